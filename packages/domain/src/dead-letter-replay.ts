import type { DomainEvent } from './domain-event.js';
import type { Run } from './run.js';
import { parseStepDispatch, type StepDispatch } from './step-dispatch.js';

/** A row of dead_letters as the replay needs it. */
export interface DeadLetterForReplay {
  id: number;
  payload: string;
  reason: string;
  replayedAt: Date | null;
}

/** Why a dead letter is not replayed; each comes with a message saying what to do instead. */
export type DeadLetterSkipReason =
  | 'already_replayed'
  | 'unparseable'
  | 'run_not_found'
  | 'run_finished'
  | 'run_needs_person'
  | 'run_moved_on'
  | 'dispatch_pending';

export type DeadLetterReplayPlan =
  | { type: 'replay'; dispatch: Omit<StepDispatch, 'v'>; events: DomainEvent[] }
  | { type: 'skip'; reason: DeadLetterSkipReason; message: string; runId: string | null };

export interface DeadLetterReplayInput {
  deadLetter: DeadLetterForReplay;
  /** The run the payload names, locked by the caller; null when there is none. */
  run: Pick<Run, 'id' | 'workflowId' | 'status' | 'currentStepId' | 'dispatchSeq'> | null;
  /** A dispatch of this run is already waiting in the outbox or parked (paused workflow). */
  dispatchPending: boolean;
  /** Who asked for the replay (e.g. the operator's OS user), for the audit event. */
  operator?: string;
}

/**
 * Whether re-dispatching the step a dead letter was about is still right, and the dispatch to
 * send. Only a run still waiting for exactly that step (queued or running at it) gets one; it
 * carries the run's current fencing seq, so the runner takes it as the current dispatch, and its
 * original cause and try, so an action keeps its idempotency key. A run that finished, waits for
 * a person (an exhausted step opened an exception: resolving it is the way on) or moved to
 * another step must not be pushed: the runner would drop the dispatch as stale anyway.
 */
export function planDeadLetterReplay({ deadLetter, run, dispatchPending, operator }: DeadLetterReplayInput): DeadLetterReplayPlan {
  const skip = (reason: DeadLetterSkipReason, message: string, runId: string | null = run?.id ?? null): DeadLetterReplayPlan => ({ type: 'skip', reason, message, runId });
  if (deadLetter.replayedAt) return skip('already_replayed', `dead letter ${deadLetter.id} was replayed at ${deadLetter.replayedAt.toISOString()}`);
  const parsed = parseStepDispatch(deadLetter.payload);
  if (!parsed.ok) return skip('unparseable', `dead letter ${deadLetter.id} is not a step dispatch (${parsed.reason}); kept for inspection, never replayed`, parsed.runId);
  const { dispatch } = parsed;
  if (!run || run.id !== dispatch.runId) return skip('run_not_found', `run ${dispatch.runId} does not exist in this database`, dispatch.runId);
  switch (run.status) {
    case 'completed':
    case 'failed':
    case 'cancelled':
    case 'handed_off':
      return skip('run_finished', `run ${run.id} is ${run.status}: nothing to re-dispatch`);
    case 'waiting_approval':
    case 'in_exception':
      return skip('run_needs_person', `run ${run.id} is ${run.status}: decide its approval or resolve its exception (retry) instead`);
    case 'queued':
    case 'running':
      break;
  }
  if (run.currentStepId !== dispatch.stepId) return skip('run_moved_on', `run ${run.id} is at step "${run.currentStepId}" now, not "${dispatch.stepId}"`);
  if (dispatchPending) return skip('dispatch_pending', `run ${run.id} already has a dispatch waiting; the runner will take it`);
  const next: Omit<StepDispatch, 'v'> = {
    runId: run.id,
    stepId: dispatch.stepId,
    cause: dispatch.cause,
    seq: run.dispatchSeq,
    ...(dispatch.decisionId ? { decisionId: dispatch.decisionId } : {}),
    ...(dispatch.try ? { try: dispatch.try } : {}),
  };
  const events: DomainEvent[] = [
    {
      type: 'dead_letter.replayed',
      subjectType: 'run',
      subjectId: run.id,
      data: { workflowId: run.workflowId, deadLetterId: deadLetter.id, stepId: dispatch.stepId, seq: run.dispatchSeq, deadLetterReason: deadLetter.reason, ...(operator ? { operator } : {}) },
    },
  ];
  return { type: 'replay', dispatch: next, events };
}
