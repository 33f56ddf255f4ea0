import { gateRunForApproval } from '@gatehouse/db';
import type { WorkflowDefinition } from '@gatehouse/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPROVE, DEFINITION, KEYS, PROPOSE, publishedWorkflow, startRun } from '../../test/fixtures.js';
import { countRows, expectError, startTestApi, type GqlResult, type TestApi } from '../../test/test-api.js';

/**
 * N-of-M approvals for irreversible actions and separation of duties on every path (issue 6
 * item 2). "quorum" asks 2 approvers for irreversible actions; customer-impacting ones still need 1.
 */
const DECIDE = `mutation ($id: ID!, $d: ApprovalDecision!, $reason: String, $edited: JSON) {
  decideApproval(approvalId: $id, decision: $d, reason: $reason, editedOutput: $edited) {
    id status decision edited requiredApprovals approvalCount decidedBy { email }
    decisions { round decision reason edited decidedBy { email } }
    run { status }
  }
}`;
const ONE = `query ($id: ID!) { approval(id: $id) { status requiredApprovals approvalCount decisionBlockedReason decisions { decidedBy { email } } } }`;
const PROPOSED = { payee: 'Acme', amount: 1200 };
const QUORUM: WorkflowDefinition = { ...DEFINITION, approvalPolicy: { ...DEFINITION.approvalPolicy!, requireApprovalFor: ['irreversible', 'customer_impacting'], irreversibleApprovals: 2 } };

let api: TestApi;
let seq = 0;

async function pending(actionClass: 'irreversible' | 'customer_impacting' = 'irreversible', starter: string = KEYS.integrator) {
  const runId = await startRun(api, 'quorum', `quorum-${++seq}`, undefined, starter);
  const approval = await gateRunForApproval(api.ds, runId, { stepId: 'reply', actionName: 'pay', actionClass, proposed: PROPOSED });
  return { approvalId: approval.id, runId };
}
const dispatches = (runId: string) => countRows(api.ds, 'outbox', `message_key = $1`, [runId]);
const decidedEvents = (id: string) => countRows(api.ds, 'audit_events', `action = 'approval.decided' AND subject_id = $1`, [id]);
const runStatus = async (id: string) => (await api.ds.query(`SELECT status FROM runs WHERE id = $1`, [id]))[0].status as string;

beforeAll(async () => {
  api = await startTestApi();
  await publishedWorkflow(api, 'quorum', QUORUM);
});
afterAll(() => api.close());

describe('N-of-M approvals', () => {
  it('2-of-M: stays pending after one approval (run waits, nothing dispatched), approved by the second distinct approver', async () => {
    const { approvalId, runId } = await pending();
    const before = await dispatches(runId);
    const first = await api.ok(KEYS.reviewer, DECIDE, { id: approvalId, d: 'approve' });
    expect(first.decideApproval).toMatchObject({ status: 'pending', decision: null, decidedBy: null, requiredApprovals: 2, approvalCount: 1, run: { status: 'waiting_approval' } });
    expect(await dispatches(runId)).toBe(before);
    expect(await countRows(api.ds, 'audit_events', `action = 'approval.decision_recorded' AND subject_id = $1`, [approvalId])).toBe(1);
    expect(await decidedEvents(approvalId)).toBe(0);

    const second = await api.ok(KEYS.reviewer2, DECIDE, { id: approvalId, d: 'approve' });
    expect(second.decideApproval).toMatchObject({ status: 'approved', decision: 'approve', approvalCount: 2, decidedBy: { email: 'rafael@gatehouse.dev' }, run: { status: 'queued' } });
    expect(second.decideApproval.decisions.map((d: any) => d.decidedBy.email)).toEqual(['rita@gatehouse.dev', 'rafael@gatehouse.dev']);
    expect(await dispatches(runId)).toBe(before + 1);
    const [event] = await api.ds.query(`SELECT data FROM audit_events WHERE action = 'approval.decided' AND subject_id = $1`, [approvalId]);
    expect(event.data).toMatchObject({ requiredApprovals: 2, approvers: ['00000000-0000-4000-8000-000000000004', '00000000-0000-4000-8000-000000000005'] });
  });

  it('counts only irreversible actions: a customer-impacting gate of the same workflow needs one', async () => {
    const { approvalId } = await pending('customer_impacting');
    expect((await api.ok(KEYS.reviewer, DECIDE, { id: approvalId, d: 'approve' })).decideApproval).toMatchObject({ status: 'approved', requiredApprovals: 1 });
  });

  it('the same person cannot count twice: CONFLICT, and the approval stays pending', async () => {
    const { approvalId } = await pending();
    await api.ok(KEYS.reviewer, DECIDE, { id: approvalId, d: 'approve' });
    const error = expectError(await api.gql(KEYS.reviewer, DECIDE, { id: approvalId, d: 'approve' }), 'CONFLICT');
    expect(error.message).toMatch(/already approved this; it needs 1 more approver/);
    const view = await api.ok(KEYS.reviewer, ONE, { id: approvalId });
    expect(view.approval).toMatchObject({ status: 'pending', approvalCount: 1 });
    expect(view.approval.decisionBlockedReason).toMatch(/already approved/);
    expect((await api.ok(KEYS.reviewer2, ONE, { id: approvalId })).approval.decisionBlockedReason).toBeNull();
  });

  it('a reject by any one approver rejects, after an approval too, and cancels the run', async () => {
    const { approvalId, runId } = await pending();
    await api.ok(KEYS.reviewer, DECIDE, { id: approvalId, d: 'approve' });
    const data = await api.ok(KEYS.reviewer2, DECIDE, { id: approvalId, d: 'reject', reason: 'Duplicate invoice' });
    expect(data.decideApproval).toMatchObject({ status: 'rejected', decision: 'reject', run: { status: 'cancelled' } });
    expect(await runStatus(runId)).toBe('cancelled');
    expectError(await api.gql(KEYS.owner, DECIDE, { id: approvalId, d: 'approve' }), 'CONFLICT');
  });

  it('an edit resets earlier approvals: every counted approver approves the same final output', async () => {
    const { approvalId } = await pending();
    const edited = { payee: 'Acme Ltd', amount: 1200 };
    await api.ok(KEYS.reviewer, DECIDE, { id: approvalId, d: 'approve' });
    const afterEdit = await api.ok(KEYS.reviewer2, DECIDE, { id: approvalId, d: 'edit_and_approve', reason: 'Legal name', edited });
    expect(afterEdit.decideApproval).toMatchObject({ status: 'pending', edited, approvalCount: 1 });
    // Rita approved the old output; she approves the edited one now and that completes the quorum.
    const final = await api.ok(KEYS.reviewer, DECIDE, { id: approvalId, d: 'approve' });
    expect(final.decideApproval).toMatchObject({ status: 'approved', decision: 'edit_and_approve', edited, approvalCount: 2 });
    expect(final.decideApproval.decisions.map((d: any) => [d.round, d.decision])).toEqual([[1, 'approve'], [2, 'edit_and_approve'], [2, 'approve']]);
  });

  it('concurrent last decisions: exactly one settles the approval, the run is dispatched once', async () => {
    for (let round = 0; round < 5; round++) {
      const { approvalId, runId } = await pending();
      await api.ok(KEYS.reviewer, DECIDE, { id: approvalId, d: 'approve' });
      const before = await dispatches(runId);
      const results: GqlResult[] = await Promise.all([
        api.gql(KEYS.reviewer2, DECIDE, { id: approvalId, d: 'approve' }),
        api.gql(KEYS.owner, DECIDE, { id: approvalId, d: 'approve' }),
      ]);
      expect(results.filter((r) => !r.errors)).toHaveLength(1);
      const loser = results.find((r) => r.errors)!;
      expect(loser.errors![0]!.extensions?.code).toBe('CONFLICT');
      expect(await decidedEvents(approvalId)).toBe(1);
      expect(await countRows(api.ds, 'approval_decisions', 'approval_id = $1', [approvalId])).toBe(2);
      expect(await dispatches(runId)).toBe(before + 1);
      expect(await runStatus(runId)).toBe('queued');
    }
  });

  it('concurrent first and second approvals both count; the same person racing themselves counts once', async () => {
    const { approvalId, runId } = await pending();
    const both = await Promise.all([api.gql(KEYS.reviewer, DECIDE, { id: approvalId, d: 'approve' }), api.gql(KEYS.reviewer2, DECIDE, { id: approvalId, d: 'approve' })]);
    expect(both.every((r) => !r.errors)).toBe(true);
    expect(await decidedEvents(approvalId)).toBe(1);
    expect(await runStatus(runId)).toBe('queued');

    const other = await pending();
    const twice = await Promise.all([api.gql(KEYS.reviewer, DECIDE, { id: other.approvalId, d: 'approve' }), api.gql(KEYS.reviewer, DECIDE, { id: other.approvalId, d: 'approve' })]);
    expect(twice.filter((r) => r.errors?.[0]?.extensions?.code === 'CONFLICT')).toHaveLength(1);
    expect(await countRows(api.ds, 'approval_decisions', 'approval_id = $1', [other.approvalId])).toBe(1);
  });

  it('the schema refuses an approval count outside 1–5', async () => {
    const bad = { ...QUORUM, approvalPolicy: { ...QUORUM.approvalPolicy!, irreversibleApprovals: 6 } };
    expectError(await api.gql(KEYS.owner, PROPOSE, { key: 'quorum', def: bad }), 'BAD_USER_INPUT');
  });
});

describe('separation of duties, for every role', () => {
  it('the requester never decides, admins included, whatever the count', async () => {
    for (const actionClass of ['irreversible', 'customer_impacting'] as const) {
      const own = await pending(actionClass, KEYS.admin);
      const error = expectError(await api.gql(KEYS.admin, DECIDE, { id: own.approvalId, d: 'approve' }), 'FORBIDDEN');
      expect(error.extensions?.reason).toBe('separation_of_duties');
      expectError(await api.gql(KEYS.admin, DECIDE, { id: own.approvalId, d: 'reject', reason: 'mine' }), 'FORBIDDEN');
      expect(await countRows(api.ds, 'approval_decisions', 'approval_id = $1', [own.approvalId])).toBe(0);
    }
    const byOwner = await pending('irreversible', KEYS.owner);
    expect(expectError(await api.gql(KEYS.owner, DECIDE, { id: byOwner.approvalId, d: 'approve' }), 'FORBIDDEN').extensions?.reason).toBe('separation_of_duties');
  });

  it('the author of a version never approves it, admins included', async () => {
    const { proposeWorkflowVersion } = await api.ok(KEYS.admin, PROPOSE, { key: 'quorum', def: QUORUM, note: 'admin-authored' });
    const error = expectError(await api.gql(KEYS.admin, APPROVE, { key: 'quorum', v: proposeWorkflowVersion.version }), 'FORBIDDEN');
    expect(error.extensions?.reason).toBe('separation_of_duties');
    const owned = await api.ok(KEYS.approver, PROPOSE, { key: 'quorum', def: QUORUM, note: 'by the change approver' });
    expect(expectError(await api.gql(KEYS.approver, APPROVE, { key: 'quorum', v: owned.proposeWorkflowVersion.version }), 'FORBIDDEN').extensions?.reason).toBe('separation_of_duties');
  });
});
