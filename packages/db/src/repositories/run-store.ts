import { ApprovalEntity, ExceptionItemEntity, RunEntity } from '../entities/index.js';
import {
  DomainError,
  transitionRun,
  withdrawApproval,
  withdrawException,
  type Actor,
  type DomainEvent,
  type Run,
  type RunCommand,
} from '@gatehouse/domain';
import { dispatchStep } from './dispatch.js';
import { fromApproval, fromExceptionItem, fromRun, toApproval, toExceptionItem, toRun } from './run.mapper.js';
import type { Tx } from './transaction.js';

export async function loadRun(tx: Tx, id: string, lock = false): Promise<Run> {
  const entity = await tx.findOne(RunEntity, { where: { id }, ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}) });
  if (!entity) throw new DomainError('not_found', `No run with id ${id}.`, { runId: id });
  return toRun(entity);
}

/**
 * Applies a run command through the domain and persists everything it implies: the new run
 * state, the next dispatch for a requeue, and withdrawal of the run's open approvals and
 * exceptions when it ends. Returns the events to audit.
 */
export async function applyRunCommand(tx: Tx, run: Run, command: RunCommand, actor: Actor, now: Date, decisionId?: string): Promise<{ run: Run; events: DomainEvent[] }> {
  const { state, events } = transitionRun(run, command, now);
  await tx.save(RunEntity, fromRun(state));
  const all = [...events];
  if (command.type === 'requeue') {
    if (!state.currentStepId) throw new Error(`Invariant: requeued run ${run.id} has no current step`);
    await dispatchStep(tx, { runId: run.id, stepId: state.currentStepId, cause: command.cause, seq: state.dispatchSeq, ...(decisionId ? { decisionId } : {}) });
  }
  if (command.type === 'cancel' || command.type === 'hand_off' || command.type === 'fail') {
    all.push(...(await closeOpenWork(tx, run.id, actor, now, `run ${command.type === 'cancel' ? 'cancelled' : command.type === 'fail' ? 'failed' : 'handed off'}`)));
  }
  return { run: state, events: all };
}

async function closeOpenWork(tx: Tx, runId: string, actor: Actor, now: Date, why: string): Promise<DomainEvent[]> {
  const events: DomainEvent[] = [];
  const pending = await tx.find(ApprovalEntity, { where: { runId, status: 'pending' }, lock: { mode: 'pessimistic_write' } });
  for (const row of pending) {
    const { state, events: e } = withdrawApproval(toApproval(row), now);
    await tx.save(ApprovalEntity, fromApproval(state));
    events.push(...e);
  }
  const open = await tx
    .createQueryBuilder(ExceptionItemEntity, 'x')
    .setLock('pessimistic_write')
    .where('x.run_id = :runId', { runId })
    .andWhere(`x.status <> 'resolved'`)
    .getMany();
  for (const row of open) {
    const { state, events: e } = withdrawException(toExceptionItem(row), actor, now, why);
    await tx.save(ExceptionItemEntity, fromExceptionItem(state));
    events.push(...e);
  }
  return events;
}
