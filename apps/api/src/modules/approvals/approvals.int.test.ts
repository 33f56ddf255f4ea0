import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gateRunForApproval } from '@gatehouse/db';
import { DEFINITION, KEYS, publishedWorkflow, startRun } from '../../test/fixtures.js';
import { countRows, expectError, holdRowLock, startTestApi, waitForLockWaiters, type TestApi } from '../../test/test-api.js';

const DECIDE = `mutation ($id: ID!, $d: ApprovalDecision!, $reason: String, $edited: JSON) {
  decideApproval(approvalId: $id, decision: $d, reason: $reason, editedOutput: $edited) {
    id status decision diff edited reason decidedBy { email } run { id status cancelReason }
  }
}`;
const PROPOSED = { to: 'sam@example.com', body: 'Hello, about your refund request.' };

let api: TestApi;
let seq = 0;

/** A run of support-triage waiting for approval of its reply, started by `starter`. */
async function pendingApproval(starter: string = KEYS.integrator): Promise<{ approvalId: string; runId: string }> {
  const runId = await startRun(api, 'triage', `approval-${++seq}`, undefined, starter);
  const approval = await gateRunForApproval(api.ds, runId, { stepId: 'reply', actionName: 'send_reply', actionClass: 'customer_impacting', proposed: PROPOSED });
  return { approvalId: approval.id, runId };
}

beforeAll(async () => {
  api = await startTestApi();
  await publishedWorkflow(api, 'triage');
});
afterAll(() => api.close());

describe('decideApproval', () => {
  it('approve records the decision, requeues the run and dispatches it in the same transaction', async () => {
    const { approvalId, runId } = await pendingApproval();
    const dispatchesBefore = await countRows(api.ds, 'outbox', `message_key = $1`, [runId]);
    const data = await api.ok(KEYS.reviewer, DECIDE, { id: approvalId, d: 'approve' });
    expect(data.decideApproval).toMatchObject({ status: 'approved', decision: 'approve', decidedBy: { email: 'rita@gatehouse.dev' }, run: { id: runId, status: 'queued' } });
    expect(await countRows(api.ds, 'outbox', `message_key = $1`, [runId])).toBe(dispatchesBefore + 1);
    const [dispatch] = await api.ds.query(`SELECT payload FROM outbox WHERE message_key = $1 ORDER BY id DESC LIMIT 1`, [runId]);
    expect(dispatch.payload).toMatchObject({ runId, stepId: 'reply', cause: 'approval_granted', decisionId: approvalId });
    expect(await countRows(api.ds, 'audit_events', `action = 'approval.decided' AND subject_id = $1`, [approvalId])).toBe(1);
  });

  it('edit_and_approve stores the edit and its JSON-patch diff against the draft', async () => {
    const { approvalId } = await pendingApproval();
    const edited = { ...PROPOSED, body: 'Hi Sam, your refund is on its way.' };
    const data = await api.ok(KEYS.reviewer, DECIDE, { id: approvalId, d: 'edit_and_approve', reason: 'Warmer tone', edited });
    expect(data.decideApproval.edited).toEqual(edited);
    expect(data.decideApproval.diff).toEqual([{ op: 'replace', path: '/body', value: edited.body }]);
    expect(data.decideApproval.run.status).toBe('queued');
  });

  // Audit rows are never purged: personal data in an edit must not reach them (docs/security.md, "Privacy").
  it('edit_and_approve audits the diff and reason redacted by the version\'s paths and the detectors; the approval keeps the real values', async () => {
    await publishedWorkflow(api, 'private-triage', { ...DEFINITION, privacy: { redactPaths: ['$.to'], detectors: [] } });
    const runId = await startRun(api, 'private-triage', 'private-1');
    const { id: approvalId } = await gateRunForApproval(api.ds, runId, { stepId: 'reply', actionName: 'send_reply', actionClass: 'customer_impacting', proposed: PROPOSED });
    const edited = { to: 'sam.new@example.com', body: 'Hi Sam, call us on +44 20 7946 0958 or write to help@example.com.' };
    const data = await api.ok(KEYS.reviewer, DECIDE, { id: approvalId, d: 'edit_and_approve', reason: 'Sam asked for sam.new@example.com', edited });
    expect(data.decideApproval.edited).toEqual(edited);

    const [event] = await api.ds.query(`SELECT data FROM audit_events WHERE action = 'approval.decided' AND subject_id = $1`, [approvalId]);
    expect(event.data.diff).toHaveLength(2);
    expect(event.data.diff).toEqual(
      expect.arrayContaining([
        { op: 'replace', path: '/to', value: '[REDACTED:path]' },
        { op: 'replace', path: '/body', value: 'Hi Sam, call us on [REDACTED:phone] or write to [REDACTED:email].' },
      ]),
    );
    expect(event.data.reason).toBe('Sam asked for [REDACTED:email]');
    expect(event.data.redactions).toMatchObject({ total: 4, paths: ['$.to'], detectors: [{ detector: 'email', count: 2 }, { detector: 'phone', count: 1 }] });
    const trail = JSON.stringify(await api.ds.query(`SELECT data FROM audit_events WHERE subject_id = $1 OR $2 = ANY(scope_ids)`, [approvalId, runId]));
    expect(trail).not.toMatch(/sam\.new@|7946|help@example/);
  });

  it('reject cancels the run and needs a reason', async () => {
    const { approvalId } = await pendingApproval();
    const missing = await api.gql(KEYS.reviewer, DECIDE, { id: approvalId, d: 'reject' });
    expect(expectError(missing, 'BAD_USER_INPUT').message).toMatch(/reason is required/i);
    const data = await api.ok(KEYS.reviewer, DECIDE, { id: approvalId, d: 'reject', reason: 'Wrong customer' });
    expect(data.decideApproval).toMatchObject({ status: 'rejected', run: { status: 'cancelled', cancelReason: 'approval_rejected' } });
  });

  it('refuses bad input without writing anything', async () => {
    const { approvalId, runId } = await pendingApproval();
    const auditBefore = await countRows(api.ds, 'audit_events');
    expectError(await api.gql(KEYS.reviewer, DECIDE, { id: approvalId, d: 'edit_and_approve', reason: 'x' }), 'BAD_USER_INPUT');
    expectError(await api.gql(KEYS.reviewer, DECIDE, { id: approvalId, d: 'edit_and_approve', reason: 'same', edited: PROPOSED }), 'BAD_USER_INPUT');
    expectError(await api.gql(KEYS.reviewer, DECIDE, { id: '00000000-0000-4000-8000-0000000000ff', d: 'approve' }), 'NOT_FOUND');
    expectError(await api.gql(KEYS.reviewer, DECIDE, { id: approvalId, d: 'maybe' }), 'BAD_USER_INPUT');
    expect(await countRows(api.ds, 'audit_events')).toBe(auditBefore);
    const [run] = await api.ds.query(`SELECT status FROM runs WHERE id = $1`, [runId]);
    expect(run.status).toBe('waiting_approval');
  });

  it('forbids roles without the operation, and the requester of the approval', async () => {
    const { approvalId } = await pendingApproval();
    expectError(await api.gql(KEYS.viewer, DECIDE, { id: approvalId, d: 'approve' }), 'FORBIDDEN');
    expectError(await api.gql(KEYS.integrator, DECIDE, { id: approvalId, d: 'approve' }), 'FORBIDDEN');
    expectError(await api.gql(null, DECIDE, { id: approvalId, d: 'approve' }), 'UNAUTHENTICATED');

    const own = await pendingApproval(KEYS.admin); // the admin started this run
    const error = expectError(await api.gql(KEYS.admin, DECIDE, { id: own.approvalId, d: 'approve' }), 'FORBIDDEN');
    expect(error.extensions?.reason).toBe('separation_of_duties');
    const list = await api.ok(KEYS.admin, `{ approvals { edges { node { id decisionBlockedReason } } } }`);
    const mine = list.approvals.edges.find((e: any) => e.node.id === own.approvalId);
    expect(mine.node.decisionBlockedReason).toMatch(/you requested/i);
  });

  it('a second decision is a CONFLICT', async () => {
    const { approvalId } = await pendingApproval();
    await api.ok(KEYS.reviewer, DECIDE, { id: approvalId, d: 'approve' });
    const error = expectError(await api.gql(KEYS.reviewer2, DECIDE, { id: approvalId, d: 'reject', reason: 'late' }), 'CONFLICT');
    expect(error.extensions?.reason).toBe('already_decided');
  });

  it('two reviewers deciding at the same moment: exactly one wins, the other gets CONFLICT', async () => {
    for (let round = 0; round < 8; round++) {
      const { approvalId, runId } = await pendingApproval();
      const [a, b] = await Promise.all([
        api.gql(KEYS.reviewer, DECIDE, { id: approvalId, d: 'approve' }),
        api.gql(KEYS.reviewer2, DECIDE, { id: approvalId, d: 'reject', reason: 'disagree' }),
      ]);
      const winners = [a, b].filter((r) => !r.errors);
      const losers = [a, b].filter((r) => r.errors);
      expect(winners).toHaveLength(1);
      expect(losers).toHaveLength(1);
      expect(losers[0]!.errors![0]!.extensions?.code).toBe('CONFLICT');
      expect(await countRows(api.ds, 'audit_events', `action = 'approval.decided' AND subject_id = $1`, [approvalId])).toBe(1);
      const [run] = await api.ds.query(`SELECT status FROM runs WHERE id = $1`, [runId]);
      expect(run.status).toBe(winners[0] === a ? 'queued' : 'cancelled');
    }
  });

  it('lists pending approvals in a Relay connection and pages with after', async () => {
    const page1 = await api.ok(KEYS.reviewer, `{ approvals(first: 1) { edges { cursor node { id status } } pageInfo { hasNextPage endCursor } } }`);
    expect(page1.approvals.edges).toHaveLength(1);
    expect(page1.approvals.pageInfo.hasNextPage).toBe(true);
    const page2 = await api.ok(KEYS.reviewer, `query ($after: String) { approvals(first: 100, after: $after) { edges { node { id status } } } }`, { after: page1.approvals.pageInfo.endCursor });
    const ids = page2.approvals.edges.map((e: any) => e.node.id);
    expect(ids).not.toContain(page1.approvals.edges[0].node.id);
    expect(page2.approvals.edges.every((e: any) => e.node.status === 'pending')).toBe(true);
    expectError(await api.gql(KEYS.reviewer, `{ approvals(first: 101) { edges { cursor } } }`), 'BAD_USER_INPUT');
    expectError(await api.gql(KEYS.reviewer, `{ approvals(after: "garbage") { edges { cursor } } }`), 'BAD_USER_INPUT');
  });
});

describe('approval(id)', () => {
  const ONE = `query ($id: ID!) { approval(id: $id) { id status decision reason proposed edited decisionBlockedReason run { id } requestedBy { email } decidedBy { email } } }`;

  it('reads one approval, pending or decided, with why the caller cannot decide it', async () => {
    const { approvalId, runId } = await pendingApproval();
    const pending = await api.ok(KEYS.viewer, ONE, { id: approvalId });
    expect(pending.approval).toMatchObject({ id: approvalId, status: 'pending', proposed: PROPOSED, run: { id: runId }, requestedBy: { email: 'ivy@gatehouse.dev' } });
    const byAdmin = await api.ok(KEYS.admin, ONE, { id: approvalId });
    expect(byAdmin.approval.decisionBlockedReason).toBeNull();

    await api.ok(KEYS.reviewer, DECIDE, { id: approvalId, d: 'reject', reason: 'Wrong customer' });
    const decided = await api.ok(KEYS.reviewer2, ONE, { id: approvalId });
    expect(decided.approval).toMatchObject({ status: 'rejected', decision: 'reject', reason: 'Wrong customer', decidedBy: { email: 'rita@gatehouse.dev' } });
    expect(decided.approval.decisionBlockedReason).toMatch(/already rejected/);
  });

  it('is NOT_FOUND for an unknown or malformed id, and refused to an integrator', async () => {
    expectError(await api.gql(KEYS.reviewer, ONE, { id: '00000000-0000-4000-8000-0000000000ff' }), 'NOT_FOUND');
    expectError(await api.gql(KEYS.reviewer, ONE, { id: 'not-a-uuid' }), 'NOT_FOUND');
    const { approvalId } = await pendingApproval();
    expectError(await api.gql(KEYS.integrator, ONE, { id: approvalId }), 'FORBIDDEN');
  });
});

describe('decideApproval racing cancelRun', () => {
  const CANCEL = `mutation ($id: ID!, $reason: String!) { cancelRun(runId: $id, reason: $reason) { id status } }`;

  it('never deadlocks: both requests answer without an internal error', async () => {
    const { approvalId, runId } = await pendingApproval();
    // Hold the approval row so the decision queues first and the cancel second; on release,
    // a decide that locks approval → run and a cancel that locks run → approvals deadlock.
    const holder = await holdRowLock(api.ds, 'approvals', approvalId);
    const decide = api.gql(KEYS.reviewer, DECIDE, { id: approvalId, d: 'approve' });
    await waitForLockWaiters(api.ds, 1);
    const cancel = api.gql(KEYS.integrator, CANCEL, { id: runId, reason: 'Customer withdrew' });
    await waitForLockWaiters(api.ds, 2);
    await holder.release();
    const [decided, cancelled] = await Promise.all([decide, cancel]);
    for (const result of [decided, cancelled]) {
      expect(result.errors?.[0]?.extensions?.code, JSON.stringify(result.errors)).not.toBe('INTERNAL_SERVER_ERROR');
    }
    // The decision came first, so it wins; the cancel then ends the requeued run.
    expect(decided.errors).toBeUndefined();
    expect(cancelled.errors).toBeUndefined();
    const [run] = await api.ds.query(`SELECT status FROM runs WHERE id = $1`, [runId]);
    expect(run.status).toBe('cancelled');
    const [approval] = await api.ds.query(`SELECT status FROM approvals WHERE id = $1`, [approvalId]);
    expect(approval.status).toBe('approved');
  });
});
