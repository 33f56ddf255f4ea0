import { assertLiveRun } from './challenger.js';
import type { DomainEvent } from './domain-event.js';
import { DomainError } from './errors.js';
import { openException, type ExceptionItem } from './exception-item.js';
import { transitionRun, type Run } from './run.js';

export const MAX_REOPEN_REASON_LENGTH = 2000;

export interface ReopenInput {
  reason: string;
  exceptionId: string;
  /** The definition's exception SLA, if it has one. */
  slaMinutes?: number;
}

export interface Reopened {
  run: Run;
  exception: ExceptionItem;
  events: DomainEvent[];
}

/**
 * A completed run whose result was wrong is re-opened: it goes back to in_exception with an
 * `invalid_output` exception on its last step (details.reopened = true), which a reviewer works
 * like any other — retry the step, override its output, hand off or cancel. The run's finish
 * is undone and the re-open is counted on the run (reopenCount, reopenedAt: rework in the metrics).
 */
export function reopenRun(run: Run, input: ReopenInput, now: Date): Reopened {
  assertLiveRun(run, 're-opening');
  const reason = input.reason.trim();
  if (!reason || reason.length > MAX_REOPEN_REASON_LENGTH) {
    throw new DomainError('invalid_input', `Say what was wrong with the result (reason, 1–${MAX_REOPEN_REASON_LENGTH} characters).`, { field: 'reason' });
  }
  // Its input and step outputs are gone: nothing could be retried or compared any more.
  if (run.payloadPurgedAt) {
    throw new DomainError('precondition_failed', `Run ${run.id} cannot be re-opened: its payloads were purged by retention on ${run.payloadPurgedAt.toISOString()}.`, { purgedAt: run.payloadPurgedAt.toISOString() });
  }
  const moved = transitionRun(run, { type: 'reopen', reason, exceptionId: input.exceptionId }, now);
  if (!run.currentStepId) throw new Error(`Invariant: completed run ${run.id} has no current step`);
  const opened = openException(
    {
      id: input.exceptionId,
      runId: run.id,
      workflowId: run.workflowId,
      stepId: run.currentStepId,
      reason: 'invalid_output',
      details: { reopened: true, why: reason },
      ...(input.slaMinutes ? { slaMinutes: input.slaMinutes } : {}),
    },
    now,
  );
  return { run: moved.state, exception: opened.state, events: [...moved.events, ...opened.events] };
}
