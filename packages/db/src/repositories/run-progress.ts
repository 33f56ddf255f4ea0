import { ApprovalEntity, ExceptionItemEntity, HandOffEntity, RunEntity, WorkflowVersionEntity } from '../entities/index.js';
import {
  handOffFromException,
  progressRun,
  type ActionClass,
  type Approval,
  type ExceptionItem,
  type ExceptionReason,
  type JsonValue,
  type StepOutcome,
  type StepProgress,
  type WorkflowDefinition,
} from '@gatehouse/domain';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { fromHandOff } from './hand-offs.js';
import { fromApproval, fromExceptionItem, fromRun } from './run.mapper.js';
import { loadRun } from './run-store.js';
import { inTransaction, insertEntity, recordEvents } from './transaction.js';

/*
 * One step outcome applied to one run, through the same domain function the runner uses
 * (progressRun), for callers outside the runner: the API's tests put runs at a gate or in the
 * exception queue this way. The runner itself commits whole batches (apps/runner commit-batch).
 */
function applyOutcome(ds: DataSource, runId: string, stepId: string, outcome: StepOutcome, queueExceptions = false): Promise<StepProgress> {
  return inTransaction(ds, async (tx) => {
    const run = await loadRun(tx, runId, true);
    const version = await tx.findOneOrFail(WorkflowVersionEntity, { where: { id: run.versionId } });
    const stored = version.definition as unknown as WorkflowDefinition;
    // Without the exception policy a failure is queued, never retried or handed off by policy.
    const definition = queueExceptions ? { ...stored, exceptionPolicy: {} } : stored;
    const now = new Date();
    const progress = progressRun({ run, definition, stepId, tryNo: 1, outcome, now, newId: randomUUID });
    await tx.save(RunEntity, fromRun(progress.run));
    if (progress.approval) await insertEntity(tx, ApprovalEntity, fromApproval(progress.approval));
    if (progress.exception) await insertEntity(tx, ExceptionItemEntity, fromExceptionItem(progress.exception));
    const handOff = progress.exception ? handOffFromException(progress.exception, randomUUID(), now) : null;
    if (handOff) await insertEntity(tx, HandOffEntity, fromHandOff(handOff.state));
    await recordEvents(tx, null, [...progress.events, ...(handOff?.events ?? [])]);
    return progress;
  });
}

export async function gateRunForApproval(
  ds: DataSource,
  runId: string,
  gate: { stepId: string; proposed: JsonValue; actionName?: string; actionClass: ActionClass },
): Promise<Approval> {
  const progress = await applyOutcome(ds, runId, gate.stepId, { type: 'gate', proposed: gate.proposed, actionName: gate.actionName ?? null, actionClass: gate.actionClass });
  return progress.approval!;
}

/** Puts the run in the exception queue for `reason`, whatever the definition's policy says. */
export async function raiseRunException(
  ds: DataSource,
  runId: string,
  raise: { stepId: string; reason: ExceptionReason; details?: Record<string, JsonValue> },
): Promise<ExceptionItem> {
  const progress = await applyOutcome(ds, runId, raise.stepId, { type: 'failed', reason: raise.reason, retryable: false, message: `raised: ${raise.reason}`, ...(raise.details ? { details: raise.details } : {}) }, true);
  return progress.exception!;
}
