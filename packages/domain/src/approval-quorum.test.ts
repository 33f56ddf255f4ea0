import { describe, expect, it } from 'vitest';
import { countedApprovers, currentRound, decideApproval, decisionBlocker, requestApproval, type Approval, type ApprovalDecisionRecord } from './approval.js';
import { LATER, NOW, actors, expectDomainError, makeApproval } from './test/fixtures.js';
import { fullDefinition } from './test/fixtures.js';
import { requiredApprovalsFor, validateDefinition, type WorkflowDefinition } from './workflow-definition.js';

const owner3 = { id: 'u-owner-3', role: 'owner' } as const;
const twoOf = (overrides: Partial<Parameters<typeof makeApproval>[0]> = {}) => makeApproval({ actionClass: 'irreversible', requiredApprovals: 2, ...overrides });

/** Applies decisions in order the way the service does (the state and the history both carried forward). */
function decideAll(approval: Approval, steps: [typeof actors.reviewer | typeof owner3 | typeof actors.admin | typeof actors.approver, Parameters<typeof decideApproval>[1]][]) {
  let state = approval;
  const decisions: ApprovalDecisionRecord[] = [];
  const results = [];
  for (const [actor, input] of steps) {
    const r = decideApproval(state, input, actor, LATER, { decisions, decisionId: `d-${decisions.length + 1}` });
    state = r.state;
    decisions.push(r.record);
    results.push(r);
  }
  return { state, decisions, results };
}

describe('requestApproval requiredApprovals', () => {
  it('defaults to 1 and accepts 1–5 only', () => {
    expect(makeApproval().requiredApprovals).toBe(1);
    expect(twoOf().requiredApprovals).toBe(2);
    for (const bad of [0, 6, 1.5, -1]) {
      expectDomainError(() => requestApproval({ id: 'a', runId: 'r', workflowId: 'w', stepId: 's', actionClass: 'irreversible', proposed: 1, requestedBy: null, requiredApprovals: bad }, NOW), 'invalid_input');
    }
  });

  it('requiredApprovalsFor: the policy count applies to irreversible actions only, default 1', () => {
    const def: WorkflowDefinition = { ...fullDefinition(), approvalPolicy: { requireApprovalFor: ['irreversible'], minConfidence: 0.5, irreversibleApprovals: 3 } };
    expect(requiredApprovalsFor(def, 'irreversible')).toBe(3);
    expect(requiredApprovalsFor(def, 'customer_impacting')).toBe(1);
    expect(requiredApprovalsFor(fullDefinition(), 'irreversible')).toBe(1);
  });

  it('the definition schema validates irreversibleApprovals as an integer 1–5', () => {
    const withCount = (n: unknown) => ({ ...fullDefinition(), approvalPolicy: { requireApprovalFor: ['irreversible'], minConfidence: 0.5, irreversibleApprovals: n } });
    expect(validateDefinition(withCount(5))).toEqual([]);
    for (const bad of [0, 6, 2.5, 'two']) expect(validateDefinition(withCount(bad)).length).toBeGreaterThan(0);
  });
});

describe('N-of-M decisions', () => {
  it('2-of-M: stays pending after the first approval (no run command), approves on the second distinct approver', () => {
    const { state, results } = decideAll(twoOf(), [
      [actors.reviewer, { decision: 'approve' }],
      [actors.approver, { decision: 'approve' }],
    ]);
    expect(results[0]!.state).toMatchObject({ status: 'pending', decision: null, decidedBy: null });
    expect(results[0]!.runCommand).toBeNull();
    expect(results[0]!.events[0]).toMatchObject({ type: 'approval.decision_recorded', data: { approvals: 1, requiredApprovals: 2, round: 1 } });
    expect(state).toMatchObject({ status: 'approved', decision: 'approve', decidedBy: actors.approver.id, decidedAt: LATER });
    expect(results[1]!.runCommand).toEqual({ type: 'requeue', cause: 'approval_granted' });
    expect(results[1]!.events[0]).toMatchObject({ type: 'approval.decided', data: { approvers: [actors.reviewer.id, actors.approver.id], requiredApprovals: 2 } });
  });

  it('the same person cannot count twice (already_decided → CONFLICT), and sees why', () => {
    const { state, decisions } = decideAll(twoOf(), [[actors.reviewer, { decision: 'approve' }]]);
    const error = expectDomainError(() => decideApproval(state, { decision: 'approve' }, actors.reviewer, LATER, { decisions }), 'already_decided');
    expect(error.message).toMatch(/already approved this; it needs 1 more approver/);
    expect(decisionBlocker(state, actors.reviewer, decisions)?.code).toBe('already_decided');
    expect(decisionBlocker(state, actors.reviewer2, decisions)).toBeNull();
  });

  it('a reject by any one approver rejects, even after approvals', () => {
    const { state, results } = decideAll(twoOf({ requiredApprovals: 3 }), [
      [actors.reviewer, { decision: 'approve' }],
      [actors.approver, { decision: 'reject', reason: 'Wrong account' }],
    ]);
    expect(state).toMatchObject({ status: 'rejected', decision: 'reject', decidedBy: actors.approver.id, reason: 'Wrong account' });
    expect(results[1]!.runCommand).toEqual({ type: 'cancel', reason: 'approval_rejected' });
    expectDomainError(() => decideApproval(state, { decision: 'approve' }, owner3, LATER, { decisions: [] }), 'already_decided');
  });

  it('an edit starts a new round: earlier approvals stop counting, so all N approve the same final output', () => {
    const edited = { reply: 'Corrected', tone: 'warm', meta: { lang: 'en', tags: ['refund'] } };
    const { state, decisions, results } = decideAll(twoOf(), [
      [actors.reviewer, { decision: 'approve' }],
      [actors.approver, { decision: 'edit_and_approve', reason: 'Fix amount', editedOutput: edited }],
    ]);
    expect(results[1]!.state.status).toBe('pending');
    expect(results[1]!.runCommand).toBeNull();
    expect(state.edited).toEqual(edited);
    expect(currentRound(decisions)).toBe(2);
    expect(countedApprovers(decisions)).toEqual([actors.approver.id]);
    // The first approver approved the old output; they may approve the edited one.
    const final = decideApproval(state, { decision: 'approve' }, actors.reviewer, LATER, { decisions });
    expect(final.state).toMatchObject({ status: 'approved', decision: 'edit_and_approve', edited, reason: 'Fix amount' });
    expect(final.state.diff).toEqual([{ op: 'replace', path: '/reply', value: 'Corrected' }]);
    expect(final.record.round).toBe(2);
  });

  it('separation of duties holds for every role and every count: the requester never decides, admins included', () => {
    for (const required of [1, 2]) {
      const own = twoOf({ requiredApprovals: required, requestedBy: actors.admin.id });
      expectDomainError(() => decideApproval(own, { decision: 'approve' }, actors.admin, LATER), 'separation_of_duties');
      expectDomainError(() => decideApproval(own, { decision: 'reject', reason: 'x' }, actors.admin, LATER), 'separation_of_duties');
    }
  });

  it('N = 1 behaves as a single decision', () => {
    const r = decideApproval(makeApproval({ actionClass: 'irreversible' }), { decision: 'approve' }, actors.reviewer, LATER);
    expect(r.state.status).toBe('approved');
    expect(r.record).toMatchObject({ round: 1, decidedBy: actors.reviewer.id, decision: 'approve' });
  });
});
