import { applyRunCommand, ApprovalEntity, assertWorkflowScope, fromApproval, insertApprovalDecision, inTransaction, isUuid, loadApprovalDecisions, loadRun, loadWorkflow, recordEvents, toApproval, WorkflowVersionEntity } from '@gatehouse/db';
import {
  DomainError,
  decideApproval,
  decisionBlocker,
  type Actor,
  type Approval,
  type ApprovalDecision,
  type ApprovalDecisionRecord,
  type ApprovalStatus,
  type JsonValue,
  type ScopedWorkflow,
  type WorkflowDefinition,
  workflowScopeBlocker,
} from '@gatehouse/domain';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { decodeCursor, encodeCursor, pageSize, toConnection, type Connection } from '../../graphql/connection.js';

export interface ApprovalFilter {
  workflowKey?: string | null;
  /** Only these workflows (the caller's scope); null or absent: every workflow. */
  workflowIds?: readonly string[] | null;
  statuses?: ApprovalStatus[] | null;
}

export interface DecideCommand {
  approvalId: string;
  decision: ApprovalDecision;
  reason?: string | null;
  editedOutput?: JsonValue;
}

export class ApprovalService {
  constructor(private readonly ds: DataSource) {}

  /**
   * The approval row is locked for the decision, so of two approvers deciding at once the
   * second waits, then sees the first's decision: for the last of N approvals exactly one
   * settles the approval and moves the run (the other gets CONFLICT, or counts as a further
   * approval of a still-pending one). Lock order is run, then approval — the order cancelRun
   * takes them in — so a decision racing a cancel waits instead of deadlocking. Every decision
   * is recorded (approval_decisions) and audited in the same transaction; the run is requeued
   * (its dispatch enqueued in this transaction, so exactly once) only when the approval settles.
   */
  decide(actor: Actor, cmd: DecideCommand): Promise<Approval> {
    if (!isUuid(cmd.approvalId)) throw new DomainError('not_found', `No approval with id ${cmd.approvalId}.`);
    return inTransaction(this.ds, async (tx) => {
      // run_id never changes, so reading it unlocked to find which run to lock first is safe.
      const ref = await tx.findOne(ApprovalEntity, { where: { id: cmd.approvalId }, select: { id: true, runId: true } });
      if (!ref) throw new DomainError('not_found', `No approval with id ${cmd.approvalId}.`);
      const run = await loadRun(tx, ref.runId, true);
      const row = await tx.findOneOrFail(ApprovalEntity, { where: { id: cmd.approvalId }, lock: { mode: 'pessimistic_write' } });
      await assertWorkflowScope(tx, actor, row.workflowId);
      const decisions = await loadApprovalDecisions(tx, row.id);
      const now = new Date();
      const decided = decideApproval(
        toApproval(row),
        { decision: cmd.decision, reason: cmd.reason ?? null, ...(cmd.editedOutput !== undefined ? { editedOutput: cmd.editedOutput } : {}) },
        actor,
        now,
        { decisions, decisionId: randomUUID() },
      );
      await tx.save(ApprovalEntity, fromApproval(decided.state));
      await insertApprovalDecision(tx, decided.record);
      const moved = decided.runCommand ? await applyRunCommand(tx, run, decided.runCommand, actor, now, decided.state.id) : { events: [] };
      // The edit's diff goes to the audit trail redacted by the run's version's privacy paths.
      const version = await tx.findOne(WorkflowVersionEntity, { where: { id: run.versionId }, select: { id: true, definition: true } });
      await recordEvents(tx, actor, [...decided.events, ...moved.events], (version?.definition as unknown as WorkflowDefinition | undefined)?.privacy);
      return decided.state;
    });
  }

  /** Every decision on the approval, oldest first (N-of-M: who approved what, in which round). */
  decisions(approvalId: string): Promise<ApprovalDecisionRecord[]> {
    return loadApprovalDecisions(this.ds.manager, approvalId);
  }

  async get(id: string): Promise<Approval> {
    const row = isUuid(id) ? await this.ds.getRepository(ApprovalEntity).findOne({ where: { id } }) : null;
    if (!row) throw new DomainError('not_found', `No approval with id ${id}.`);
    return toApproval(row);
  }

  async list(filter: ApprovalFilter, first: number | null | undefined, after: string | null | undefined): Promise<Connection<Approval>> {
    const limit = pageSize(first);
    const cursor = decodeCursor(after);
    const qb = this.ds.getRepository(ApprovalEntity).createQueryBuilder('a');
    if (filter.workflowKey) {
      const workflow = await loadWorkflow(this.ds.manager, filter.workflowKey);
      qb.andWhere('a.workflow_id = :wid', { wid: workflow.id });
    }
    if (filter.workflowIds) qb.andWhere('a.workflow_id = ANY(:scopeIds::uuid[])', { scopeIds: [...filter.workflowIds] });
    qb.andWhere('a.status IN (:...statuses)', { statuses: filter.statuses?.length ? filter.statuses : ['pending'] });
    if (cursor) qb.andWhere('(a.created_at, a.id) < (:cAt::timestamptz, :cId::uuid)', { cAt: String(cursor.sortValue), cId: cursor.id });
    const rows = await qb.orderBy('a.created_at', 'DESC').addOrderBy('a.id', 'DESC').take(limit + 1).getMany();
    return toConnection(rows.map(toApproval), limit, (a) => encodeCursor(a.createdAt.toISOString(), a.id));
  }
}

/**
 * Why `actor` cannot decide `approval`, or null if they can: lets the console explain a disabled
 * control. `assigned` is whether the actor may act on the approval's workflow (scoping).
 */
export function decisionBlockedReason(approval: Approval, actor: Actor, workflow: ScopedWorkflow, assigned: boolean, decisions: readonly ApprovalDecisionRecord[]): string | null {
  return (decisionBlocker(approval, actor, decisions) ?? workflowScopeBlocker(actor, workflow, assigned))?.message ?? null;
}
