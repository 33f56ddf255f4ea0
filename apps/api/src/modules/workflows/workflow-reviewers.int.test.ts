import { gateRunForApproval, raiseRunException } from '@gatehouse/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ASSIGN_REVIEWER, KEYS, publishedWorkflow, startRun, UNASSIGN_REVIEWER } from '../../test/fixtures.js';
import { countRows, expectError, startTestApi, type TestApi } from '../../test/test-api.js';

/**
 * Per-workflow scoping (issue 6 item 2): a reviewer acts only on workflows they are assigned
 * to; admins and owners are not scoped. "scoped" has only Rita (KEYS.reviewer) assigned, so
 * Rafael (KEYS.reviewer2) is the unassigned reviewer throughout.
 */
const RITA = 'rita@gatehouse.dev';
const RAFAEL = 'rafael@gatehouse.dev';
const DECIDE = `mutation ($id: ID!) { decideApproval(approvalId: $id, decision: approve) { status } }`;
const CLAIM = `mutation ($id: ID!) { claimException(exceptionId: $id) { status } }`;
const RELEASE = `mutation ($id: ID!) { releaseException(exceptionId: $id) { status } }`;
const RESOLVE = `mutation ($id: ID!) { resolveException(exceptionId: $id, resolution: cancel, note: "not needed") { status } }`;
const REOPEN = `mutation ($id: ID!) { reopenRun(runId: $id, reason: "wrong result") { status } }`;
const OUTCOME = `mutation ($id: ID!) { recordHumanOutcome(runId: $id, outcome: { label: "refund" }) { runId } }`;
const REVIEWERS = `query ($key: String!) { workflow(key: $key) { reviewers { email } } }`;

let api: TestApi;
let n = 0;

async function approvalOn(key: string): Promise<{ approvalId: string; runId: string }> {
  const runId = await startRun(api, key, `scope-a-${++n}`);
  const approval = await gateRunForApproval(api.ds, runId, { stepId: 'reply', actionName: 'send_reply', actionClass: 'customer_impacting', proposed: { body: 'hi' } });
  return { approvalId: approval.id, runId };
}

async function exceptionOn(key: string): Promise<string> {
  const runId = await startRun(api, key, `scope-x-${++n}`);
  return (await raiseRunException(api.ds, runId, { stepId: 'check', reason: 'low_confidence' })).id;
}

async function completedRunOn(key: string): Promise<string> {
  const id = await startRun(api, key, `scope-r-${++n}`);
  await api.ds.query(`UPDATE runs SET status = 'completed', started_at = now(), finished_at = now(), output = '{"label":"refund"}' WHERE id = $1`, [id]);
  return id;
}

beforeAll(async () => {
  api = await startTestApi();
  await publishedWorkflow(api, 'scoped', undefined, [RITA]);
  await publishedWorkflow(api, 'assigning', undefined, []);
});
afterAll(() => api.close());

describe('assignReviewer / unassignReviewer', () => {
  it('an owner assigns and unassigns reviewers, each audited, and Workflow.reviewers lists them', async () => {
    const auditBefore = await countRows(api.ds, 'audit_events', `action LIKE 'workflow.reviewer_%'`);
    const assigned = await api.ok(KEYS.owner, ASSIGN_REVIEWER, { key: 'assigning', p: RITA });
    expect(assigned.assignReviewer.reviewers).toEqual([{ email: RITA }]);
    await api.ok(KEYS.admin, ASSIGN_REVIEWER, { key: 'assigning', p: RAFAEL });
    expect((await api.ok(KEYS.viewer, REVIEWERS, { key: 'assigning' })).workflow.reviewers).toEqual([{ email: RITA }, { email: RAFAEL }]);
    const removed = await api.ok(KEYS.owner, UNASSIGN_REVIEWER, { key: 'assigning', p: RITA });
    expect(removed.unassignReviewer.reviewers).toEqual([{ email: RAFAEL }]);
    const events = await api.ds.query(`SELECT action, actor_role, data FROM audit_events WHERE action LIKE 'workflow.reviewer_%' ORDER BY seq DESC LIMIT 3`);
    expect(events.map((e: { action: string }) => e.action)).toEqual(['workflow.reviewer_unassigned', 'workflow.reviewer_assigned', 'workflow.reviewer_assigned']);
    expect(events[0]).toMatchObject({ actor_role: 'owner', data: { workflowKey: 'assigning', principalId: '00000000-0000-4000-8000-000000000004' } });
    expect(await countRows(api.ds, 'audit_events', `action LIKE 'workflow.reviewer_%'`)).toBe(auditBefore + 3);
  });

  it('refuses a second assignment, a non-reviewer, an unknown principal, a missing assignment and roles without the right', async () => {
    expect(expectError(await api.gql(KEYS.owner, ASSIGN_REVIEWER, { key: 'scoped', p: RITA }), 'CONFLICT').message).toMatch(/already assigned/);
    expect(expectError(await api.gql(KEYS.owner, ASSIGN_REVIEWER, { key: 'scoped', p: 'olive@gatehouse.dev' }), 'BAD_USER_INPUT').message).toMatch(/Only reviewers/);
    expectError(await api.gql(KEYS.owner, ASSIGN_REVIEWER, { key: 'scoped', p: 'nobody@example.com' }), 'BAD_USER_INPUT');
    expectError(await api.gql(KEYS.owner, ASSIGN_REVIEWER, { key: 'no-such-workflow', p: RITA }), 'NOT_FOUND');
    expectError(await api.gql(KEYS.owner, UNASSIGN_REVIEWER, { key: 'scoped', p: RAFAEL }), 'NOT_FOUND');
    for (const key of [KEYS.reviewer, KEYS.integrator, KEYS.viewer]) {
      expectError(await api.gql(key, ASSIGN_REVIEWER, { key: 'scoped', p: RAFAEL }), 'FORBIDDEN');
      expectError(await api.gql(key, UNASSIGN_REVIEWER, { key: 'scoped', p: RITA }), 'FORBIDDEN');
    }
    expect((await api.ok(KEYS.viewer, REVIEWERS, { key: 'scoped' })).workflow.reviewers).toEqual([{ email: RITA }]);
  });
});

describe('a reviewer acts only on assigned workflows', () => {
  it('decideApproval: FORBIDDEN for the unassigned reviewer, with nothing written; the assigned one decides', async () => {
    const { approvalId, runId } = await approvalOn('scoped');
    const auditBefore = await countRows(api.ds, 'audit_events');
    const error = expectError(await api.gql(KEYS.reviewer2, DECIDE, { id: approvalId }), 'FORBIDDEN');
    expect(error.message).toMatch(/not assigned to workflow "scoped"/);
    expect(await countRows(api.ds, 'audit_events')).toBe(auditBefore);
    expect(await countRows(api.ds, 'approval_decisions', 'approval_id = $1', [approvalId])).toBe(0);
    expect((await api.ds.query(`SELECT status FROM runs WHERE id = $1`, [runId]))[0].status).toBe('waiting_approval');
    expect((await api.ok(KEYS.reviewer, DECIDE, { id: approvalId })).decideApproval.status).toBe('approved');
  });

  it('claim, release and resolve an exception: FORBIDDEN unassigned, allowed assigned', async () => {
    const id = await exceptionOn('scoped');
    for (const doc of [CLAIM, RELEASE, RESOLVE]) expect(expectError(await api.gql(KEYS.reviewer2, doc, { id }), 'FORBIDDEN').message).toMatch(/not assigned/);
    expect((await api.ds.query(`SELECT status, assignee_id FROM exception_items WHERE id = $1`, [id]))[0]).toEqual({ status: 'open', assignee_id: null });
    expect((await api.ok(KEYS.reviewer, CLAIM, { id })).claimException.status).toBe('claimed');
    expect((await api.ok(KEYS.reviewer, RESOLVE, { id })).resolveException.status).toBe('resolved');
  });

  it('reopenRun and recordHumanOutcome: FORBIDDEN unassigned, allowed assigned', async () => {
    const run = await completedRunOn('scoped');
    expectError(await api.gql(KEYS.reviewer2, REOPEN, { id: run }), 'FORBIDDEN');
    expectError(await api.gql(KEYS.reviewer2, OUTCOME, { id: run }), 'FORBIDDEN');
    expect(await countRows(api.ds, 'shadow_outcomes', 'run_id = $1', [run])).toBe(0);
    await api.ok(KEYS.reviewer, OUTCOME, { id: run });
    expect((await api.ok(KEYS.reviewer, REOPEN, { id: run })).reopenRun.status).toBe('in_exception');
  });

  it('admins and owners are not scoped: they act without an assignment', async () => {
    const a = await approvalOn('scoped');
    expect((await api.ok(KEYS.admin, DECIDE, { id: a.approvalId })).decideApproval.status).toBe('approved');
    const b = await approvalOn('scoped');
    expect((await api.ok(KEYS.owner, DECIDE, { id: b.approvalId })).decideApproval.status).toBe('approved');
    const x = await exceptionOn('scoped');
    expect((await api.ok(KEYS.owner, CLAIM, { id: x })).claimException.status).toBe('claimed');
  });

  it('unassigning takes the right away at once', async () => {
    await api.ok(KEYS.owner, ASSIGN_REVIEWER, { key: 'scoped', p: RAFAEL });
    const x = await exceptionOn('scoped');
    await api.ok(KEYS.reviewer2, CLAIM, { id: x });
    await api.ok(KEYS.owner, UNASSIGN_REVIEWER, { key: 'scoped', p: RAFAEL });
    expectError(await api.gql(KEYS.reviewer2, RESOLVE, { id: x }), 'FORBIDDEN');
  });
});

describe('reading the queues', () => {
  const INBOX = `query ($scope: WorkflowScope) { approvals(first: 100, filter: { workflowScope: $scope }) { edges { node { id decisionBlockedReason workflow { key } } } } }`;
  const QUEUE = `query ($scope: WorkflowScope) { exceptionQueue(first: 100, filter: { workflowScope: $scope }) { edges { node { id } } } }`;

  it('the inbox and the queue default to assigned workflows for reviewers; workflowScope: all shows every one, read-only', async () => {
    const { approvalId } = await approvalOn('scoped');
    const x = await exceptionOn('scoped');
    const ids = (data: any, field: 'approvals' | 'exceptionQueue') => data[field].edges.map((e: any) => e.node.id);

    expect(ids(await api.ok(KEYS.reviewer, INBOX, {}), 'approvals')).toContain(approvalId);
    expect(ids(await api.ok(KEYS.reviewer2, INBOX, {}), 'approvals')).not.toContain(approvalId);
    const all = await api.ok(KEYS.reviewer2, INBOX, { scope: 'all' });
    const node = all.approvals.edges.find((e: any) => e.node.id === approvalId)?.node;
    expect(node.decisionBlockedReason).toMatch(/not assigned to workflow "scoped"/);
    expect((await api.ok(KEYS.reviewer, `query ($id: ID!) { approval(id: $id) { decisionBlockedReason } }`, { id: approvalId })).approval.decisionBlockedReason).toBeNull();

    expect(ids(await api.ok(KEYS.reviewer, QUEUE, {}), 'exceptionQueue')).toContain(x);
    expect(ids(await api.ok(KEYS.reviewer2, QUEUE, {}), 'exceptionQueue')).not.toContain(x);
    expect(ids(await api.ok(KEYS.reviewer2, QUEUE, { scope: 'all' }), 'exceptionQueue')).toContain(x);
    // Other roles default to every workflow; `assigned` gives them their own assignments (none).
    expect(ids(await api.ok(KEYS.owner, INBOX, {}), 'approvals')).toContain(approvalId);
    expect(ids(await api.ok(KEYS.viewer, QUEUE, {}), 'exceptionQueue')).toContain(x);
    expect(ids(await api.ok(KEYS.owner, QUEUE, { scope: 'assigned' }), 'exceptionQueue')).toEqual([]);
  });
});
