import { ApprovalEntity, ExceptionItemEntity, RunEntity, WorkflowVersionEntity } from '../entities/index.js';
import {
  approverRoleFor,
  openException,
  requestApproval,
  transitionRun,
  type ActionClass,
  type Approval,
  type ExceptionItem,
  type ExceptionReason,
  type JsonValue,
  type Run,
  type WorkflowDefinition,
} from '@gatehouse/domain';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { fromApproval, fromExceptionItem, fromRun } from './run.mapper.js';
import { loadRun } from './run-store.js';
import { inTransaction, insertEntity, recordEvents, type Tx } from './transaction.js';

/*
 * Run progress as the runner performs it (gate for approval, route to the exception queue).
 * The runner will call these; the seed and the API tests use them now to put runs into those
 * states through the same domain transitions. Not yet idempotent under redelivery: a second
 * call for a run already waiting fails with illegal_transition (the runner issue fixes that).
 */

async function ensureRunning(tx: Tx, run: Run, stepId: string, now: Date): Promise<Run> {
  if (run.status !== 'queued') return run;
  const started = transitionRun(run, { type: 'start', stepId }, now);
  await recordEvents(tx, null, started.events);
  return started.state;
}

async function definitionOf(tx: Tx, run: Run): Promise<WorkflowDefinition> {
  const version = await tx.findOneOrFail(WorkflowVersionEntity, { where: { id: run.versionId } });
  return version.definition as unknown as WorkflowDefinition;
}

export function gateRunForApproval(
  ds: DataSource,
  runId: string,
  gate: { stepId: string; proposed: JsonValue; actionName?: string; actionClass: ActionClass },
): Promise<Approval> {
  return inTransaction(ds, async (tx) => {
    const now = new Date();
    const run = await ensureRunning(tx, await loadRun(tx, runId, true), gate.stepId, now);
    const definition = await definitionOf(tx, run);
    const requested = requestApproval(
      {
        id: randomUUID(),
        runId,
        workflowId: run.workflowId,
        stepId: gate.stepId,
        actionName: gate.actionName ?? null,
        actionClass: gate.actionClass,
        requiredRole: approverRoleFor(definition, gate.stepId),
        proposed: gate.proposed,
        requestedBy: run.createdBy,
        ...(definition.slas ? { slaMinutes: definition.slas.approvalMinutes } : {}),
      },
      now,
    );
    const waiting = transitionRun(run, { type: 'request_approval', stepId: gate.stepId, approvalId: requested.state.id }, now);
    await insertEntity(tx, ApprovalEntity, fromApproval(requested.state));
    await tx.save(RunEntity, fromRun(waiting.state));
    await recordEvents(tx, null, [...requested.events, ...waiting.events]);
    return requested.state;
  });
}

export function raiseRunException(
  ds: DataSource,
  runId: string,
  raise: { stepId: string; reason: ExceptionReason; details?: Record<string, JsonValue> },
): Promise<ExceptionItem> {
  return inTransaction(ds, async (tx) => {
    const now = new Date();
    const run = await ensureRunning(tx, await loadRun(tx, runId, true), raise.stepId, now);
    const definition = await definitionOf(tx, run);
    const opened = openException(
      {
        id: randomUUID(),
        runId,
        workflowId: run.workflowId,
        stepId: raise.stepId,
        reason: raise.reason,
        details: raise.details ?? {},
        ...(definition.slas ? { slaMinutes: definition.slas.exceptionMinutes } : {}),
      },
      now,
    );
    const moved = transitionRun(run, { type: 'raise_exception', stepId: raise.stepId, reason: raise.reason, exceptionId: opened.state.id }, now);
    await insertEntity(tx, ExceptionItemEntity, fromExceptionItem(opened.state));
    await tx.save(RunEntity, fromRun(moved.state));
    await recordEvents(tx, null, [...opened.events, ...moved.events]);
    return opened.state;
  });
}
