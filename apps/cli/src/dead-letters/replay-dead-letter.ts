import { dispatchStep, inTransaction, loadRun, recordEvents, type Tx } from '@gatehouse/db';
import { isDomainError, parseStepDispatch, planDeadLetterReplay, STEP_DISPATCH_TOPIC, type DeadLetterSkipReason, type Run } from '@gatehouse/domain';
import { type DataSource } from 'typeorm';
import { hasPendingDispatch, lockDeadLetter, markReplayed, type DeadLetterRow } from './dead-letter-store.js';

export type ReplayOutcome =
  | { id: number; outcome: 'replayed' | 'would_replay'; runId: string; stepId: string; seq: number }
  | { id: number; outcome: 'skipped'; reason: DeadLetterSkipReason; message: string; runId: string | null };

/**
 * Re-dispatches the step one dead letter was about, if the domain says it still should be
 * (planDeadLetterReplay), in one transaction: the dispatch into the outbox, replayed_at, the
 * audit event. Locks the run first, then the dead letter (the order every run change takes), so
 * a replay racing the runner or a second replay waits and then sees the other's outcome —
 * which makes running it twice harmless. A dry run reads without locks and writes nothing.
 */
export async function replayDeadLetter(ds: DataSource, deadLetter: DeadLetterRow, options: { dryRun: boolean; operator: string }): Promise<ReplayOutcome> {
  const work = async (tx: Tx): Promise<ReplayOutcome> => {
    const parsed = parseStepDispatch(deadLetter.payload);
    const run = parsed.ok ? await loadRunOrNull(tx, parsed.dispatch.runId, !options.dryRun) : null;
    const current = options.dryRun ? { replayedAt: deadLetter.replayedAt } : await lockDeadLetter(tx, deadLetter.id);
    const plan = planDeadLetterReplay({
      deadLetter: { id: deadLetter.id, payload: deadLetter.payload, reason: deadLetter.reason, replayedAt: current?.replayedAt ?? null },
      run,
      dispatchPending: run ? await hasPendingDispatch(tx, STEP_DISPATCH_TOPIC, run.id) : false,
      operator: options.operator,
    });
    if (plan.type === 'skip') return { id: deadLetter.id, outcome: 'skipped', reason: plan.reason, message: plan.message, runId: plan.runId };
    const done = { id: deadLetter.id, runId: plan.dispatch.runId, stepId: plan.dispatch.stepId, seq: plan.dispatch.seq! };
    if (options.dryRun) return { ...done, outcome: 'would_replay' };
    await dispatchStep(tx, plan.dispatch);
    await markReplayed(tx, deadLetter.id);
    await recordEvents(tx, null, plan.events);
    return { ...done, outcome: 'replayed' };
  };
  return options.dryRun ? work(ds.manager) : inTransaction(ds, work);
}

async function loadRunOrNull(tx: Tx, id: string, lock: boolean): Promise<Run | null> {
  try {
    return await loadRun(tx, id, lock);
  } catch (error) {
    if (isDomainError(error) && error.code === 'not_found') return null;
    throw error;
  }
}
