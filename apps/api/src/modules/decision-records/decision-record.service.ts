import {
  ApprovalEntity,
  AuditEventEntity,
  ExceptionItemEntity,
  HandOffEntity,
  inTransaction,
  isAssignedReviewer,
  isUuid,
  loadApprovalDecisions,
  loadRun,
  recordEvents,
  ShadowOutcomeEntity,
  StepAttemptEntity,
  toApproval,
  toExceptionItem,
  toHandOff,
  toShadowOutcome,
  toStepAttempt,
  toVersion,
  toWorkflow,
  WorkflowEntity,
  WorkflowVersionEntity,
  type Tx,
} from '@gatehouse/db';
import {
  assembleDecisionRecord,
  assertActsOnWorkflow,
  assertCanPerform,
  decisionRecordExported,
  DomainError,
  isWorkflowScoped,
  keyScopeBlocker,
  type DecisionRecord,
  type DecisionRecordFormat,
} from '@gatehouse/domain';
import type { DataSource } from 'typeorm';
import type { Principal } from '../../graphql/context.js';
import type { AuditSealer } from '../audit/audit-sealer.js';
import { toAuditEvent } from '../audit/audit.service.js';

/**
 * Loads everything a run's decision record is made of, has the domain assemble it, and audits
 * the export in the same transaction: the record leaves the system only if its export is on the
 * chain. GraphQL and the REST downloads both come through here, so they are authorized alike.
 */
export class DecisionRecordService {
  constructor(
    private readonly ds: DataSource,
    private readonly sealer: AuditSealer,
  ) {}

  async export(principal: Principal, runId: string, format: DecisionRecordFormat): Promise<DecisionRecord> {
    // The GraphQL gate checked this already; the REST routes have no gate but this one.
    assertCanPerform(principal, 'decisionRecord');
    if (!isUuid(runId)) throw new DomainError('not_found', `No run with id ${runId} (run ids are UUIDs).`, { runId });
    // Events staged a moment ago (run.created) get their hash and place on the chain first.
    await this.sealer.sealNow();
    return inTransaction(this.ds, async (tx) => {
      const run = await loadRun(tx, runId);
      const workflow = toWorkflow(await tx.findOneOrFail(WorkflowEntity, { where: { id: run.workflowId } }));
      await assertMayRead(tx, principal, workflow);
      const version = toVersion(await tx.findOneOrFail(WorkflowVersionEntity, { where: { id: run.versionId } }));
      const attempts = (await tx.find(StepAttemptEntity, { where: { runId }, order: { startedAt: 'ASC', attempt: 'ASC' } })).map(toStepAttempt);
      const approvalRows = (await tx.find(ApprovalEntity, { where: { runId }, order: { createdAt: 'ASC' } })).map(toApproval);
      const approvals = await Promise.all(approvalRows.map(async (approval) => ({ approval, decisions: await loadApprovalDecisions(tx, approval.id) })));
      const exceptions = (await tx.find(ExceptionItemEntity, { where: { runId }, order: { createdAt: 'ASC' } })).map(toExceptionItem);
      const handOffs = (await tx.find(HandOffEntity, { where: { runId }, order: { createdAt: 'ASC', id: 'ASC' } })).map(toHandOff);
      const shadow = await tx.findOne(ShadowOutcomeEntity, { where: { runId } });
      const auditEvents = (
        await tx.getRepository(AuditEventEntity).createQueryBuilder('e').where('(e.subject_id = :sid OR :sid = ANY(e.scope_ids))', { sid: runId }).orderBy('e.seq', 'ASC').getMany()
      ).map(toAuditEvent);

      const ids = new Set<string>([run.createdBy, principal.id]);
      for (const { approval, decisions } of approvals) {
        if (approval.decidedBy) ids.add(approval.decidedBy);
        for (const d of decisions) ids.add(d.decidedBy);
      }
      for (const x of exceptions) if (x.resolvedBy) ids.add(x.resolvedBy);
      for (const e of auditEvents) if (e.actorId) ids.add(e.actorId);
      if (shadow) ids.add(shadow.recordedBy);
      const people: Array<{ id: string; name: string; role: string }> = await tx.query(`SELECT id::text AS id, name, role FROM principals WHERE id = ANY($1::uuid[])`, [[...ids].filter(isUuid)]);

      const record = assembleDecisionRecord({
        run,
        workflow,
        version,
        attempts,
        approvals,
        exceptions,
        handOffs,
        shadowOutcome: shadow ? toShadowOutcome(shadow) : null,
        auditEvents,
        people: new Map(people.map((p) => [p.id, { name: p.name, role: p.role }])),
        generatedBy: principal,
        generatedAt: new Date(),
      });
      await recordEvents(tx, principal, [decisionRecordExported(record, format)]);
      return record;
    });
  }
}

/**
 * A scoped API key reads only its workflows' records, a reviewer only those of the workflows
 * they are assigned to (the record carries personal data; acting scope applies to exporting it).
 */
async function assertMayRead(tx: Tx, principal: Principal, workflow: { id: string; key: string }): Promise<void> {
  if (principal.workflowScope) {
    const blocker = keyScopeBlocker(principal.workflowScope, 'decisionRecord', { what: 'run', argument: 'runId', workflowKey: workflow.key });
    if (blocker) throw blocker;
  }
  if (isWorkflowScoped(principal.role)) assertActsOnWorkflow(principal, workflow, await isAssignedReviewer(tx, workflow.id, principal.id));
}
