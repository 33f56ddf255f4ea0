import jsonPatch from 'fast-json-patch';
import { DomainError, IllegalTransitionError } from './errors.js';
import type { JsonValue } from './json-schema.js';
import { satisfiesApproverRole, type Actor, type ApproverRole } from './roles.js';
import type { RunCommand } from './run.js';
import type { ActionClass } from './workflow-definition.js';
import type { Transition } from './workflow.js';

export const APPROVAL_STATUSES = ['pending', 'approved', 'rejected', 'cancelled'] as const;
export type ApprovalStatus = (typeof APPROVAL_STATUSES)[number];
export const APPROVAL_DECISIONS = ['approve', 'reject', 'edit_and_approve'] as const;
export type ApprovalDecision = (typeof APPROVAL_DECISIONS)[number];

/** One RFC 6902 operation: edits are stored as a patch from the AI draft to the human version. */
export interface PatchOperation {
  op: string;
  path: string;
  value?: unknown;
  from?: string;
}

export interface Approval {
  id: string;
  runId: string;
  workflowId: string;
  stepId: string;
  actionName: string | null;
  actionClass: ActionClass;
  requiredRole: ApproverRole;
  /** How many distinct approvers must approve (N of N-of-M); 1 except for irreversible actions under a policy asking more. */
  requiredApprovals: number;
  status: ApprovalStatus;
  decision: ApprovalDecision | null;
  /** What the AI proposes: the draft or the action's arguments. */
  proposed: JsonValue;
  edited: JsonValue | null;
  diff: PatchOperation[] | null;
  /** Whoever caused the gate (the principal who started the run); may not decide it. */
  requestedBy: string | null;
  decidedBy: string | null;
  reason: string | null;
  dueAt: Date | null;
  createdAt: Date;
  decidedAt: Date | null;
  /** When retention cleared this record's payload; absent/null while kept. */
  payloadPurgedAt?: Date | null;
}

export interface ApprovalRequest {
  id: string;
  runId: string;
  workflowId: string;
  stepId: string;
  actionName?: string | null;
  actionClass: ActionClass;
  requiredRole?: ApproverRole;
  requiredApprovals?: number;
  proposed: JsonValue;
  requestedBy: string | null;
  slaMinutes?: number;
}

/** The most approvers an approval policy may ask for (issue 6: "N-of-M", validated 1–5). */
export const MAX_REQUIRED_APPROVALS = 5;

export function requestApproval(req: ApprovalRequest, now: Date): Transition<Approval> {
  const required = req.requiredApprovals ?? 1;
  if (!Number.isInteger(required) || required < 1 || required > MAX_REQUIRED_APPROVALS) {
    throw new DomainError('invalid_input', `requiredApprovals must be a whole number from 1 to ${MAX_REQUIRED_APPROVALS}, not ${required}.`, { field: 'requiredApprovals' });
  }
  const approval: Approval = {
    id: req.id,
    runId: req.runId,
    workflowId: req.workflowId,
    stepId: req.stepId,
    actionName: req.actionName ?? null,
    actionClass: req.actionClass,
    requiredRole: req.requiredRole ?? 'reviewer',
    requiredApprovals: required,
    status: 'pending',
    decision: null,
    proposed: req.proposed,
    edited: null,
    diff: null,
    requestedBy: req.requestedBy,
    decidedBy: null,
    reason: null,
    dueAt: req.slaMinutes ? new Date(now.getTime() + req.slaMinutes * 60_000) : null,
    createdAt: now,
    decidedAt: null,
  };
  return {
    state: approval,
    events: [{ type: 'approval.requested', subjectType: 'approval', subjectId: approval.id, data: { runId: req.runId, workflowId: req.workflowId, stepId: req.stepId, actionName: approval.actionName, actionClass: req.actionClass, requiredRole: approval.requiredRole, ...(required > 1 ? { requiredApprovals: required } : {}) } }],
  };
}

export interface DecisionInput {
  decision: ApprovalDecision;
  reason?: string | null;
  editedOutput?: JsonValue;
}

/**
 * One person's decision on an approval (table approval_decisions). With N-of-M approvals an
 * approval collects several; `round` starts at 1 and goes up with every edit, because an edit
 * changes what is being approved: only the decisions of the current round count towards N.
 */
export interface ApprovalDecisionRecord {
  id: string;
  approvalId: string;
  round: number;
  decidedBy: string;
  decision: ApprovalDecision;
  reason: string | null;
  /** The edited output (edit_and_approve only). */
  edited: JsonValue | null;
  decidedAt: Date;
}

export interface DecisionResult extends Transition<Approval> {
  /** The decision as recorded (every decision is, whether or not it settles the approval). */
  record: ApprovalDecisionRecord;
  /** What the decision does to the waiting run: null while the approval still waits for more approvers. */
  runCommand: RunCommand | null;
}

/** The round decisions are being collected in: the highest so far (1 before any decision). */
export function currentRound(decisions: readonly ApprovalDecisionRecord[]): number {
  return decisions.reduce((round, d) => Math.max(round, d.round), 1);
}

/** The approvals that count towards N: distinct approvers of the current round. */
export function countedApprovers(decisions: readonly ApprovalDecisionRecord[]): string[] {
  const round = currentRound(decisions);
  return [...new Set(decisions.filter((d) => d.round === round && d.decision !== 'reject').map((d) => d.decidedBy))];
}

/**
 * Why `actor` may not decide `approval` at all (whatever the decision), or null if they may.
 * decideApproval throws it; the API shows its message so the console can explain a disabled control.
 * Separation of duties holds for every role, admins included: the requester never decides.
 */
export function decisionBlocker(approval: Approval, actor: Actor, decisions: readonly ApprovalDecisionRecord[] = []): DomainError | null {
  if (approval.status !== 'pending') {
    return new DomainError('already_decided', `Approval ${approval.id} was already ${approval.status}${approval.decidedBy ? ' by someone else' : ''}; refresh to see the decision.`, { status: approval.status, decidedBy: approval.decidedBy });
  }
  if (approval.requestedBy !== null && actor.id === approval.requestedBy) {
    return new DomainError('separation_of_duties', 'You requested this approval (you started the run); another reviewer must decide it.');
  }
  if (!satisfiesApproverRole(actor.role, approval.requiredRole)) {
    return new DomainError('forbidden', `This approval needs a ${approval.requiredRole} (or higher); you are a ${actor.role}.`, { requiredRole: approval.requiredRole });
  }
  if (countedApprovers(decisions).includes(actor.id)) {
    const missing = approval.requiredApprovals - countedApprovers(decisions).length;
    return new DomainError('already_decided', `You already approved this; it needs ${missing} more approver${missing === 1 ? '' : 's'}, each a different person.`, { requiredApprovals: approval.requiredApprovals });
  }
  return null;
}

/**
 * A human decision on a pending approval. With requiredApprovals = N, the approval is approved
 * once N distinct people have approved the same output; a reject by any one of them rejects it;
 * an edit_and_approve changes the output, so it starts a new round in which the editor is the
 * first approver and earlier approvals no longer count. A decided approval refuses any further
 * decision with `already_decided` (callers lock the approval row so exactly one decision settles it).
 */
export function decideApproval(
  approval: Approval,
  input: DecisionInput,
  actor: Actor,
  now: Date,
  history: { decisions?: readonly ApprovalDecisionRecord[]; decisionId?: string } = {},
): DecisionResult {
  const decisions = history.decisions ?? [];
  const decisionId = history.decisionId ?? `${approval.id}:${decisions.length + 1}`;
  const blocker = decisionBlocker(approval, actor, decisions);
  if (blocker) throw blocker;
  const reason = input.reason?.trim() || null;
  if (input.decision !== 'approve' && !reason) {
    throw new DomainError('invalid_input', `A reason is required to ${input.decision === 'reject' ? 'reject' : 'edit and approve'}.`, { field: 'reason' });
  }
  let edited: JsonValue | null = approval.edited;
  let diff: PatchOperation[] | null = approval.diff;
  if (input.decision === 'edit_and_approve') {
    if (input.editedOutput === undefined) {
      throw new DomainError('invalid_input', 'edit_and_approve needs editedOutput: the corrected version of the proposal.', { field: 'editedOutput' });
    }
    if (approval.edited !== null && diffJson(approval.edited, input.editedOutput).length === 0) {
      throw new DomainError('invalid_input', 'The edited output is identical to the current edit; use approve instead.', { field: 'editedOutput' });
    }
    edited = input.editedOutput;
    // Always against the AI draft: the diff is the whole human rework, however many edits made it.
    diff = diffJson(approval.proposed, edited);
    if (diff.length === 0) {
      throw new DomainError('invalid_input', 'The edited output is identical to the proposal; use approve instead.', { field: 'editedOutput' });
    }
  } else if (input.editedOutput !== undefined) {
    throw new DomainError('invalid_input', `editedOutput is only accepted with edit_and_approve, not ${input.decision}.`, { field: 'editedOutput' });
  }

  const round = currentRound(decisions) + (input.decision === 'edit_and_approve' && decisions.length > 0 ? 1 : 0);
  const record: ApprovalDecisionRecord = { id: decisionId, approvalId: approval.id, round, decidedBy: actor.id, decision: input.decision, reason, edited: input.decision === 'edit_and_approve' ? edited : null, decidedAt: now };
  const all = [...decisions, record];
  const approvers = countedApprovers(all);

  if (input.decision !== 'reject' && approvers.length < approval.requiredApprovals) {
    // Still pending: the decision is recorded and audited, the run keeps waiting.
    return {
      state: { ...approval, edited, diff },
      record,
      events: [{ type: 'approval.decision_recorded', subjectType: 'approval', subjectId: approval.id, data: { runId: approval.runId, workflowId: approval.workflowId, decision: input.decision, reason, round, approvals: approvers.length, requiredApprovals: approval.requiredApprovals, ...(input.decision === 'edit_and_approve' ? { diff } : {}) } }],
      runCommand: null,
    };
  }

  const status: ApprovalStatus = input.decision === 'reject' ? 'rejected' : 'approved';
  // The settled decision: an approval whose output was edited (in the counted round) is an edit_and_approve.
  const decision: ApprovalDecision = input.decision === 'reject' ? 'reject' : edited !== null ? 'edit_and_approve' : 'approve';
  const finalReason = reason ?? (decision === 'edit_and_approve' ? all.find((d) => d.round === round && d.decision === 'edit_and_approve')?.reason ?? null : null);
  const state: Approval = { ...approval, status, decision, edited: status === 'rejected' ? approval.edited : edited, diff: status === 'rejected' ? approval.diff : diff, decidedBy: actor.id, reason: finalReason, decidedAt: now };
  return {
    state,
    record,
    events: [{ type: 'approval.decided', subjectType: 'approval', subjectId: approval.id, data: { runId: approval.runId, workflowId: approval.workflowId, decision, reason: finalReason, diff: state.diff, ...(approval.requiredApprovals > 1 ? { approvers: status === 'approved' ? approvers : [actor.id], requiredApprovals: approval.requiredApprovals } : {}) } }],
    runCommand: status === 'rejected' ? { type: 'cancel', reason: 'approval_rejected' } : { type: 'requeue', cause: 'approval_granted' },
  };
}

/** When its run is cancelled, a pending approval is withdrawn so it leaves the inbox. */
export function withdrawApproval(approval: Approval, now: Date): Transition<Approval> {
  if (approval.status !== 'pending') throw new IllegalTransitionError('approval', approval.status, 'withdraw');
  return {
    state: { ...approval, status: 'cancelled', decidedAt: now },
    events: [{ type: 'approval.withdrawn', subjectType: 'approval', subjectId: approval.id, data: { runId: approval.runId } }],
  };
}

export function diffJson(from: JsonValue, to: JsonValue): PatchOperation[] {
  const wrap = (v: JsonValue) => ({ value: v });
  // fast-json-patch compares objects; wrapping lets scalars and arrays be diffed too.
  return (jsonPatch.compare(wrap(from), wrap(to)) as PatchOperation[]).map((op) => ({
    ...op,
    path: op.path.slice('/value'.length) || '',
    ...(op.from !== undefined ? { from: op.from.slice('/value'.length) } : {}),
  }));
}
