import jsonPatch from 'fast-json-patch';
import { describe, expect, it } from 'vitest';
import {
  decideApproval,
  diffJson,
  requestApproval,
  withdrawApproval,
  type Approval,
  type ApprovalStatus,
  type PatchOperation,
} from './approval.js';
import type { JsonValue } from './json-schema.js';
import { transitionRun } from './run.js';
import { LATER, NOW, actors, expectDomainError, makeApproval, makeRun } from './test/fixtures.js';

const apply = (doc: JsonValue, diff: PatchOperation[]) =>
  jsonPatch.applyPatch(structuredClone(doc), diff as jsonPatch.Operation[], true, false).newDocument;

describe('requestApproval', () => {
  it('opens a pending approval with defaults and an approval.requested event', () => {
    const { state, events } = requestApproval(
      { id: 'apr-2', runId: 'run-1', workflowId: 'wf-1', stepId: 'approve', actionClass: 'irreversible', proposed: { amount: 10 }, requestedBy: null },
      NOW,
    );
    expect(state).toEqual({
      id: 'apr-2',
      runId: 'run-1',
      workflowId: 'wf-1',
      stepId: 'approve',
      actionName: null,
      actionClass: 'irreversible',
      requiredRole: 'reviewer',
      requiredApprovals: 1,
      status: 'pending',
      decision: null,
      proposed: { amount: 10 },
      edited: null,
      diff: null,
      requestedBy: null,
      decidedBy: null,
      reason: null,
      dueAt: null,
      createdAt: NOW,
      decidedAt: null,
    });
    expect(events).toEqual([
      {
        type: 'approval.requested',
        subjectType: 'approval',
        subjectId: 'apr-2',
        data: { runId: 'run-1', workflowId: 'wf-1', stepId: 'approve', actionName: null, actionClass: 'irreversible', requiredRole: 'reviewer' },
      },
    ]);
  });

  it('sets the due time from the SLA and keeps an explicit required role', () => {
    const approval = makeApproval({ slaMinutes: 90, requiredRole: 'owner' });
    expect(approval.dueAt).toEqual(new Date('2025-03-01T10:30:00.000Z'));
    expect(approval.requiredRole).toBe('owner');
  });
});

describe('decideApproval', () => {
  it('approve: approved, no edit, run requeued', () => {
    const { state, events, runCommand } = decideApproval(makeApproval(), { decision: 'approve' }, actors.reviewer, LATER);
    expect(state).toEqual({ ...makeApproval(), status: 'approved', decision: 'approve', edited: null, diff: null, decidedBy: actors.reviewer.id, reason: null, decidedAt: LATER });
    expect(events).toEqual([
      { type: 'approval.decided', subjectType: 'approval', subjectId: 'apr-1', data: { runId: 'run-1', workflowId: 'wf-1', decision: 'approve', reason: null, diff: null } },
    ]);
    expect(runCommand).toEqual({ type: 'requeue', cause: 'approval_granted' });
  });

  it('approve: keeps an optional trimmed reason, blank becomes null', () => {
    expect(decideApproval(makeApproval(), { decision: 'approve', reason: '  fine ' }, actors.reviewer, LATER).state.reason).toBe('fine');
    expect(decideApproval(makeApproval(), { decision: 'approve', reason: '   ' }, actors.reviewer, LATER).state.reason).toBeNull();
  });

  it('reject: rejected with the reason, run cancelled', () => {
    const { state, events, runCommand } = decideApproval(makeApproval(), { decision: 'reject', reason: ' wrong customer ' }, actors.reviewer, LATER);
    expect(state).toMatchObject({ status: 'rejected', decision: 'reject', reason: 'wrong customer', decidedBy: actors.reviewer.id, decidedAt: LATER, edited: null, diff: null });
    expect(events[0]!.data).toEqual({ runId: 'run-1', workflowId: 'wf-1', decision: 'reject', reason: 'wrong customer', diff: null });
    expect(runCommand).toEqual({ type: 'cancel', reason: 'approval_rejected' });
  });

  it('edit_and_approve: approved with the edited output and a diff from the proposal', () => {
    const approval = makeApproval();
    const editedOutput = { reply: 'Hello, your refund of €20 is on its way.', tone: 'warm', meta: { lang: 'en', tags: ['refund', 'vip'] } };
    const { state, events, runCommand } = decideApproval(approval, { decision: 'edit_and_approve', reason: 'add the amount', editedOutput }, actors.reviewer, LATER);
    expect(state).toMatchObject({ status: 'approved', decision: 'edit_and_approve', edited: editedOutput, reason: 'add the amount' });
    expect(state.diff).toEqual(
      expect.arrayContaining([
        { op: 'replace', path: '/reply', value: 'Hello, your refund of €20 is on its way.' },
        { op: 'add', path: '/meta/tags/1', value: 'vip' },
      ]),
    );
    expect(state.diff).toHaveLength(2);
    expect(events[0]!.data.diff).toEqual(state.diff);
    expect(apply(approval.proposed, state.diff!)).toEqual(editedOutput);
    expect(runCommand).toEqual({ type: 'requeue', cause: 'approval_granted' });
  });

  it.each([
    ['reject', 'reject'],
    ['edit_and_approve', 'edit and approve'],
  ] as const)('requires a reason to %s', (decision, words) => {
    const error = expectDomainError(
      () => decideApproval(makeApproval(), { decision, reason: '  ', editedOutput: decision === 'edit_and_approve' ? { reply: 'x' } : undefined }, actors.reviewer, LATER),
      'invalid_input',
    );
    expect(error.message).toBe(`A reason is required to ${words}.`);
    expect(error.details).toEqual({ field: 'reason' });
  });

  it('edit_and_approve needs editedOutput', () => {
    const error = expectDomainError(() => decideApproval(makeApproval(), { decision: 'edit_and_approve', reason: 'fix' }, actors.reviewer, LATER), 'invalid_input');
    expect(error.details).toEqual({ field: 'editedOutput' });
  });

  it('refuses an edit identical to the proposal (key order does not count as an edit)', () => {
    const approval = makeApproval();
    const same = { meta: { tags: ['refund'], lang: 'en' }, tone: 'warm', reply: 'Hello, your refund is on its way.' };
    const error = expectDomainError(() => decideApproval(approval, { decision: 'edit_and_approve', reason: 'r', editedOutput: same }, actors.reviewer, LATER), 'invalid_input');
    expect(error.message).toContain('identical to the proposal; use approve instead');
  });

  it.each(['approve', 'reject'] as const)('refuses editedOutput with %s', (decision) => {
    const error = expectDomainError(() => decideApproval(makeApproval(), { decision, reason: 'r', editedOutput: { reply: 'x' } }, actors.reviewer, LATER), 'invalid_input');
    expect(error.message).toBe(`editedOutput is only accepted with edit_and_approve, not ${decision}.`);
  });

  it('refuses the principal who requested the approval (separation of duties), even as admin', () => {
    const approval = makeApproval({ requestedBy: actors.admin.id });
    const error = expectDomainError(() => decideApproval(approval, { decision: 'approve' }, actors.admin, LATER), 'separation_of_duties');
    expect(error.message).toContain('another reviewer must decide it');
  });

  it('lets anyone qualified decide when nobody is recorded as requester', () => {
    expect(decideApproval(makeApproval({ requestedBy: null }), { decision: 'approve' }, actors.reviewer, LATER).state.status).toBe('approved');
  });

  it.each([
    ['reviewer', 'reviewer', true],
    ['reviewer', 'owner', true],
    ['reviewer', 'admin', true],
    ['reviewer', 'integrator', false],
    ['reviewer', 'viewer', false],
    ['owner', 'reviewer', false],
    ['owner', 'owner', true],
    ['owner', 'admin', true],
    ['admin', 'reviewer', false],
    ['admin', 'owner', false],
    ['admin', 'admin', true],
  ] as const)('required role %s, decided by a %s → allowed: %s', (requiredRole, role, allowed) => {
    const approval = makeApproval({ requiredRole, requestedBy: null });
    const actor = { id: `u-some-${role}`, role };
    if (allowed) {
      expect(decideApproval(approval, { decision: 'approve' }, actor, LATER).state.decidedBy).toBe(actor.id);
    } else {
      const error = expectDomainError(() => decideApproval(approval, { decision: 'approve' }, actor, LATER), 'forbidden');
      expect(error.message).toBe(`This approval needs a ${requiredRole} (or higher); you are a ${role}.`);
      expect(error.details).toEqual({ requiredRole });
    }
  });

  it('checks separation of duties before the role', () => {
    // the integrator who started the run is both the requester and unqualified: SoD is reported
    expectDomainError(() => decideApproval(makeApproval(), { decision: 'approve' }, actors.integrator, LATER), 'separation_of_duties');
  });

  it('refuses a second decision with already_decided (e.g. a concurrent reviewer)', () => {
    const first = decideApproval(makeApproval(), { decision: 'approve' }, actors.reviewer, NOW).state;
    const error = expectDomainError(() => decideApproval(first, { decision: 'reject', reason: 'late' }, actors.reviewer2, LATER), 'already_decided');
    expect(error.message).toBe('Approval apr-1 was already approved by someone else; refresh to see the decision.');
    expect(error.details).toEqual({ status: 'approved', decidedBy: actors.reviewer.id });
  });

  it.each(['approved', 'rejected', 'cancelled'] as const satisfies readonly ApprovalStatus[])('refuses to decide a %s approval', (status) => {
    const approval: Approval = { ...makeApproval(), status };
    expectDomainError(() => decideApproval(approval, { decision: 'approve' }, actors.reviewer, LATER), 'already_decided');
  });

  it('checks already_decided before anything else', () => {
    const withdrawn = withdrawApproval(makeApproval(), NOW).state;
    const error = expectDomainError(() => decideApproval(withdrawn, { decision: 'approve' }, actors.integrator, LATER), 'already_decided');
    expect(error.message).toBe('Approval apr-1 was already cancelled; refresh to see the decision.');
  });

  it('produces run commands the waiting run accepts', () => {
    const waiting = makeRun({ status: 'waiting_approval', startedAt: NOW });
    const approve = decideApproval(makeApproval(), { decision: 'approve' }, actors.reviewer, LATER).runCommand;
    const reject = decideApproval(makeApproval(), { decision: 'reject', reason: 'no' }, actors.reviewer, LATER).runCommand;
    const edit = decideApproval(makeApproval(), { decision: 'edit_and_approve', reason: 'tone', editedOutput: { reply: 'x' } }, actors.reviewer, LATER).runCommand;
    expect(transitionRun(waiting, approve!, LATER).state.status).toBe('queued');
    expect(transitionRun(waiting, edit!, LATER).state.status).toBe('queued');
    expect(transitionRun(waiting, reject!, LATER).state).toMatchObject({ status: 'cancelled', cancelReason: 'approval_rejected' });
  });
});

describe('withdrawApproval', () => {
  it('cancels a pending approval', () => {
    const { state, events } = withdrawApproval(makeApproval(), LATER);
    expect(state).toMatchObject({ status: 'cancelled', decidedAt: LATER, decidedBy: null, decision: null });
    expect(events).toEqual([{ type: 'approval.withdrawn', subjectType: 'approval', subjectId: 'apr-1', data: { runId: 'run-1' } }]);
  });

  it.each(['approved', 'rejected', 'cancelled'] as const)('refuses to withdraw a %s approval', (status) => {
    const error = expectDomainError(() => withdrawApproval({ ...makeApproval(), status }, LATER), 'illegal_transition');
    expect(error.message).toBe(`Cannot withdraw an approval that is ${status}.`);
  });
});

describe('diffJson', () => {
  it('addresses nested changes by JSON pointer into the value itself (no /value prefix)', () => {
    const from: JsonValue = { a: { b: { c: 1, d: [1, 2] } }, keep: true, gone: 'x' };
    const to: JsonValue = { a: { b: { c: 2, d: [1, 2, 3] } }, keep: true, added: null };
    const diff = diffJson(from, to);
    expect(diff.map((op) => `${op.op} ${op.path}`).sort()).toEqual(['add /a/b/d/2', 'add /added', 'remove /gone', 'replace /a/b/c'].sort());
    for (const op of diff) expect(op.path.startsWith('/value')).toBe(false);
    expect(apply(from, diff)).toEqual(to);
  });

  it('keeps a real "value" key in the path', () => {
    expect(diffJson({ value: { value: 1 } }, { value: { value: 2 } })).toEqual([{ op: 'replace', path: '/value/value', value: 2 }]);
  });

  it('diffs scalars and type changes as a root replace with path ""', () => {
    expect(diffJson('draft', 'final')).toEqual([{ op: 'replace', path: '', value: 'final' }]);
    expect(diffJson({ a: 1 }, [1])).toEqual([{ op: 'replace', path: '', value: [1] }]);
    expect(diffJson(null, { a: 1 })).toEqual([{ op: 'replace', path: '', value: { a: 1 } }]);
  });

  it('diffs arrays by index', () => {
    expect(diffJson([1, 2], [1, 3])).toEqual([{ op: 'replace', path: '/1', value: 3 }]);
  });

  it('is empty for equal values', () => {
    expect(diffJson({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toEqual([]);
  });
});
