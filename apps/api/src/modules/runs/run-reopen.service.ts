import { assertWorkflowScope, ExceptionItemEntity, fromExceptionItem, fromRun, inTransaction, insertEntity, isUuid, loadRun, recordEvents, RunEntity, WorkflowVersionEntity } from '@gatehouse/db';
import { DomainError, reopenRun, type Actor, type Run, type WorkflowDefinition } from '@gatehouse/domain';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';

/** Re-opening a completed run whose result was wrong (rework; see docs/metrics.md). */
export class RunReopenService {
  constructor(private readonly ds: DataSource) {}

  reopen(actor: Actor, runId: string, reason: string): Promise<Run> {
    if (!isUuid(runId)) throw new DomainError('not_found', `No run with id ${runId}.`, { runId });
    return inTransaction(this.ds, async (tx) => {
      const run = await loadRun(tx, runId, true);
      await assertWorkflowScope(tx, actor, run.workflowId);
      const version = await tx.findOneOrFail(WorkflowVersionEntity, { where: { id: run.versionId } });
      const definition = version.definition as unknown as WorkflowDefinition;
      const now = new Date();
      const reopened = reopenRun(run, { reason, exceptionId: randomUUID(), ...(definition.slas ? { slaMinutes: definition.slas.exceptionMinutes } : {}) }, now);
      await tx.save(RunEntity, fromRun(reopened.run));
      await insertEntity(tx, ExceptionItemEntity, fromExceptionItem(reopened.exception));
      await recordEvents(tx, actor, reopened.events);
      return reopened.run;
    });
  }
}
