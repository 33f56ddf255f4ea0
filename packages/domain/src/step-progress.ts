import { requestApproval, type Approval } from './approval.js';
import type { DomainEvent } from './domain-event.js';
import type { StepAttemptStatus } from './step-attempt.js';
import { handOffByPolicy, openException, type ExceptionItem } from './exception-item.js';
import type { StepOutcome } from './step-evaluation.js';
import type { DispatchCause, StepDispatch } from './step-dispatch.js';
import { transitionRun, type Run } from './run.js';
import { approverRoleFor, findStep, requiredApprovalsFor, type ExceptionReason, type StepDefinition, type WorkflowDefinition } from './workflow-definition.js';

/** Tries of a transient failure (tool, model, timeout) when neither step nor policy says. */
export const DEFAULT_MAX_TRIES = 3;
export const DEFAULT_BACKOFF_MS = 500;
export const MAX_BACKOFF_MS = 5 * 60_000;

export type FailurePlan =
  | { type: 'retry'; delayMs: number; maxTries: number }
  | { type: 'queue'; exhausted: boolean; maxTries: number }
  | { type: 'hand_off'; to: string; exhausted: boolean; maxTries: number };

/**
 * What a failed try leads to. Transient failures retry with exponential backoff up to the
 * step's maxAttempts (else the policy's, else 3); a policy that says "queue" or "hand_off" for
 * the reason means no automatic retry. Then the policy's destination applies: a named manual
 * path, or the exception queue.
 */
export function planFailure(definition: WorkflowDefinition, step: StepDefinition, reason: ExceptionReason, retryable: boolean, tryNo: number): FailurePlan {
  const handling = definition.exceptionPolicy?.[reason];
  const maxTries = !retryable || (handling !== undefined && handling.action !== 'retry') ? 1 : (step.maxAttempts ?? handling?.maxAttempts ?? DEFAULT_MAX_TRIES);
  if (tryNo < maxTries) {
    const base = handling?.backoffMs ?? DEFAULT_BACKOFF_MS;
    return { type: 'retry', delayMs: Math.min(base * 2 ** (tryNo - 1), MAX_BACKOFF_MS), maxTries };
  }
  const exhausted = maxTries > 1;
  const handOff = handling?.action === 'hand_off' || (handling?.action === 'retry' && handling.handOffTo !== undefined) ? handling.handOffTo : undefined;
  return handOff ? { type: 'hand_off', to: handOff, exhausted, maxTries } : { type: 'queue', exhausted, maxTries };
}

/** The step after `stepId` in definition order, or null when it was the last. */
export function nextStepAfter(definition: WorkflowDefinition, stepId: string): string | null {
  const at = definition.steps.findIndex((s) => s.id === stepId);
  if (at < 0 || definition.steps[at]!.end) return null;
  return at + 1 < definition.steps.length ? definition.steps[at + 1]!.id : null;
}

export interface StepProgressInput {
  run: Run;
  definition: WorkflowDefinition;
  stepId: string;
  /** 1-based automatic try of this step (StepDispatch.try). */
  tryNo: number;
  outcome: StepOutcome;
  now: Date;
  /** Mints ids for an approval or exception the outcome opens. */
  newId: () => string;
  /** For an action that was sent: the Idempotency-Key it went with. */
  effectKey?: string | null;
}

export interface NextDispatch {
  dispatch: Omit<StepDispatch, 'v'>;
  availableAt: Date;
}

export interface StepProgress {
  run: Run;
  events: DomainEvent[];
  next: NextDispatch | null;
  approval: Approval | null;
  exception: ExceptionItem | null;
  /** Set when automatic retries are exhausted: the dispatch also goes to the dead letters. */
  deadLetterReason: string | null;
}

/**
 * Moves a run on after one try of its current step, through the run state machine: advance
 * (or complete after the last step), gate for approval, retry later, or leave the straight path
 * for the exception queue or a manual hand-off. Pure: the runner persists the result, the
 * attempt and the next dispatch in one transaction.
 */
export function progressRun(input: StepProgressInput): StepProgress {
  const { definition, stepId, outcome, now } = input;
  const step = findStep(definition, stepId);
  if (!step) throw new Error(`Invariant: step "${stepId}" is not in the run's definition`);
  const events: DomainEvent[] = [];
  const apply = (run: Run, command: Parameters<typeof transitionRun>[1]) => {
    const t = transitionRun(run, command, now);
    events.push(...t.events);
    return t.state;
  };
  let run = input.run.status === 'queued' ? apply(input.run, { type: 'start', stepId }) : input.run;
  // Ordered as it happened: the run (re)starts, the action goes out (or not), the run moves on.
  events.push(...actionEvents(run, step, outcome, input.effectKey ?? null));
  const result: StepProgress = { run, events, next: null, approval: null, exception: null, deadLetterReason: null };
  const dispatchNext = (cause: DispatchCause, delayMs = 0, tryNo?: number): NextDispatch => ({
    dispatch: { runId: run.id, stepId: run.currentStepId!, cause, seq: run.dispatchSeq, ...(tryNo ? { try: tryNo } : {}) },
    availableAt: new Date(now.getTime() + delayMs),
  });

  switch (outcome.type) {
    case 'succeeded': {
      const nextId = outcome.goto ?? nextStepAfter(definition, stepId);
      if (nextId === null) {
        run = apply(run, { type: 'complete', output: outcome.output });
      } else {
        run = apply(run, { type: 'advance', stepId: nextId });
        result.next = dispatchNext('advanced');
      }
      break;
    }
    case 'gate': {
      const requested = requestApproval(
        {
          id: input.newId(),
          runId: run.id,
          workflowId: run.workflowId,
          stepId,
          actionName: outcome.actionName,
          actionClass: outcome.actionClass,
          requiredRole: approverRoleFor(definition, stepId),
          requiredApprovals: requiredApprovalsFor(definition, outcome.actionClass),
          proposed: outcome.proposed,
          requestedBy: run.createdBy,
          ...(definition.slas ? { slaMinutes: definition.slas.approvalMinutes } : {}),
        },
        now,
      );
      events.push(...requested.events);
      result.approval = requested.state;
      run = apply(run, { type: 'request_approval', stepId, approvalId: requested.state.id });
      break;
    }
    case 'failed': {
      const plan = planFailure(definition, step, outcome.reason, outcome.retryable, input.tryNo);
      if (plan.type === 'retry') {
        run = apply(run, { type: 'requeue', cause: 'retry' });
        result.next = dispatchNext('retry', plan.delayMs, input.tryNo + 1);
        break;
      }
      if (run.championRunId) {
        // A challenger run never puts work in front of reviewers or operators: it ends, and
        // the comparison counts it as disagreeing with its champion.
        run = apply(run, { type: 'fail', error: { code: outcome.reason, message: outcome.message } });
        break;
      }
      const opened = openException(
        {
          id: input.newId(),
          runId: run.id,
          workflowId: run.workflowId,
          stepId,
          reason: outcome.reason,
          details: { ...(outcome.details ?? {}), message: outcome.message, tries: input.tryNo },
          ...(definition.slas ? { slaMinutes: definition.slas.exceptionMinutes } : {}),
        },
        now,
      );
      events.push(...opened.events);
      result.exception = opened.state;
      run = apply(run, { type: 'raise_exception', stepId, reason: outcome.reason, exceptionId: opened.state.id });
      if (plan.exhausted) result.deadLetterReason = `${outcome.reason} after ${input.tryNo} tries: ${outcome.message}`;
      if (plan.type === 'hand_off') {
        // The run leaves Gatehouse for the manual path the policy names.
        const handedOff = handOffByPolicy(opened.state, plan.to, now);
        result.exception = handedOff.state;
        events.push(...handedOff.events);
        run = apply(run, { type: 'hand_off', to: plan.to });
      }
      break;
    }
  }
  result.run = run;
  return result;
}

/** The status a step attempt ends in for an outcome. */
export function attemptStatusFor(outcome: StepOutcome): StepAttemptStatus {
  return outcome.type === 'succeeded' ? 'succeeded' : outcome.type === 'gate' ? 'gated' : 'failed';
}

/**
 * Audit facts about an action beyond the run's own transitions: sent (with its idempotency
 * key), recorded without sending (shadow, draft-only), or blocked by the boundary.
 */
function actionEvents(run: Run, step: StepDefinition, outcome: StepOutcome, effectKey: string | null): DomainEvent[] {
  if (step.kind !== 'action') return [];
  const data = { runId: run.id, workflowId: run.workflowId, stepId: step.id, action: step.action, actionClass: step.actionClass, mode: run.mode };
  const event = (type: string, extra: Record<string, unknown>): DomainEvent[] => [{ type, subjectType: 'run', subjectId: run.id, data: { ...data, ...extra } }];
  if (outcome.type === 'failed') return outcome.reason === 'policy_blocked' ? event('action.blocked', { why: outcome.message }) : [];
  if (outcome.type !== 'succeeded') return [];
  const output = outcome.output !== null && typeof outcome.output === 'object' && !Array.isArray(outcome.output) ? outcome.output : {};
  if (output.executed === false) {
    const record = (output.wouldHaveExecuted ?? output.draftOnly) as { args?: unknown } | undefined;
    return event(output.wouldHaveExecuted ? 'action.would_have_executed' : 'action.drafted', { args: record?.args ?? null });
  }
  // No key: nothing was sent (a reviewer's override stood in for the step).
  return effectKey ? event('action.executed', { idempotencyKey: effectKey }) : [];
}

/** Every step advance is in the trace (step attempts); the audit log keeps the rest. */
export function isAuditedEvent(event: DomainEvent): boolean {
  return event.type !== 'run.advanced';
}
