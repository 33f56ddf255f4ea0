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
  proposed: JsonValue;
  requestedBy: string | null;
  slaMinutes?: number;
}

export function requestApproval(req: ApprovalRequest, now: Date): Transition<Approval> {
  const approval: Approval = {
    id: req.id,
    runId: req.runId,
    workflowId: req.workflowId,
    stepId: req.stepId,
    actionName: req.actionName ?? null,
    actionClass: req.actionClass,
    requiredRole: req.requiredRole ?? 'reviewer',
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
    events: [{ type: 'approval.requested', subjectType: 'approval', subjectId: approval.id, data: { runId: req.runId, workflowId: req.workflowId, stepId: req.stepId, actionName: approval.actionName, actionClass: req.actionClass, requiredRole: approval.requiredRole } }],
  };
}

export interface DecisionInput {
  decision: ApprovalDecision;
  reason?: string | null;
  editedOutput?: JsonValue;
}

export interface DecisionResult extends Transition<Approval> {
  /** What the decision does to the waiting run. */
  runCommand: RunCommand;
}

/**
 * A human decision on a pending approval. Exactly one decision is ever recorded: a second
 * attempt (e.g. a concurrent reviewer) finds it decided and gets `already_decided`.
 */
/**
 * Why `actor` may not decide `approval` at all (whatever the decision), or null if they may.
 * decideApproval throws it; the API shows its message so the console can explain a disabled control.
 */
export function decisionBlocker(approval: Approval, actor: Actor): DomainError | null {
  if (approval.status !== 'pending') {
    return new DomainError('already_decided', `Approval ${approval.id} was already ${approval.status}${approval.decidedBy ? ' by someone else' : ''}; refresh to see the decision.`, { status: approval.status, decidedBy: approval.decidedBy });
  }
  if (approval.requestedBy !== null && actor.id === approval.requestedBy) {
    return new DomainError('separation_of_duties', 'You requested this approval (you started the run); another reviewer must decide it.');
  }
  if (!satisfiesApproverRole(actor.role, approval.requiredRole)) {
    return new DomainError('forbidden', `This approval needs a ${approval.requiredRole} (or higher); you are a ${actor.role}.`, { requiredRole: approval.requiredRole });
  }
  return null;
}

export function decideApproval(approval: Approval, input: DecisionInput, actor: Actor, now: Date): DecisionResult {
  const blocker = decisionBlocker(approval, actor);
  if (blocker) throw blocker;
  const reason = input.reason?.trim() || null;
  if (input.decision !== 'approve' && !reason) {
    throw new DomainError('invalid_input', `A reason is required to ${input.decision === 'reject' ? 'reject' : 'edit and approve'}.`, { field: 'reason' });
  }
  let edited: JsonValue | null = null;
  let diff: PatchOperation[] | null = null;
  if (input.decision === 'edit_and_approve') {
    if (input.editedOutput === undefined) {
      throw new DomainError('invalid_input', 'edit_and_approve needs editedOutput: the corrected version of the proposal.', { field: 'editedOutput' });
    }
    edited = input.editedOutput;
    diff = diffJson(approval.proposed, edited);
    if (diff.length === 0) {
      throw new DomainError('invalid_input', 'The edited output is identical to the proposal; use approve instead.', { field: 'editedOutput' });
    }
  } else if (input.editedOutput !== undefined) {
    throw new DomainError('invalid_input', `editedOutput is only accepted with edit_and_approve, not ${input.decision}.`, { field: 'editedOutput' });
  }
  const status: ApprovalStatus = input.decision === 'reject' ? 'rejected' : 'approved';
  const state: Approval = { ...approval, status, decision: input.decision, edited, diff, decidedBy: actor.id, reason, decidedAt: now };
  return {
    state,
    events: [{ type: 'approval.decided', subjectType: 'approval', subjectId: approval.id, data: { runId: approval.runId, workflowId: approval.workflowId, decision: input.decision, reason, diff } }],
    runCommand: input.decision === 'reject' ? { type: 'cancel', reason: 'approval_rejected' } : { type: 'requeue', cause: 'approval_granted' },
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
