import { assertActsOnWorkflow, isWorkflowScoped, type Actor, type ApprovalDecision, type ApprovalDecisionRecord, type JsonValue, type ReviewerAssignment } from '@gatehouse/domain';
import type { EntityManager } from 'typeorm';

/**
 * Persistence for per-workflow scoping and N-of-M approval decisions (migration
 * 1733443200000-authorization). Plain SQL over two small tables; the rules are in the domain
 * (workflow-scope.ts, approval.ts).
 */

/**
 * Whether the principal is assigned to the workflow. With `lock`, the assignment row is held
 * FOR KEY SHARE until the transaction ends, so an unassignReviewer racing the change it guards
 * waits for that change to commit instead of slipping in between the check and the write.
 */
export async function isAssignedReviewer(db: EntityManager, workflowId: string, principalId: string, lock = false): Promise<boolean> {
  const rows: unknown[] = await db.query(
    `SELECT 1 FROM workflow_reviewers WHERE workflow_id = $1 AND principal_id = $2${lock ? ' FOR KEY SHARE' : ''}`,
    [workflowId, principalId],
  );
  return rows.length > 0;
}

/**
 * Enforces the domain's scoping rule for a change to something of `workflowId`, inside the
 * change's transaction (the assignment stays locked until it commits). Unscoped roles pass
 * without a query.
 */
export async function assertWorkflowScope(tx: EntityManager, actor: Actor, workflowId: string): Promise<void> {
  if (!isWorkflowScoped(actor.role)) return;
  const assigned = await isAssignedReviewer(tx, workflowId, actor.id, true);
  if (assigned) return;
  const [workflow]: { key: string }[] = await tx.query(`SELECT key FROM workflows WHERE id = $1`, [workflowId]);
  assertActsOnWorkflow(actor, { id: workflowId, key: workflow?.key ?? workflowId }, false);
}

/** The ids of the workflows a principal is assigned to. */
export async function assignedWorkflowIds(db: EntityManager, principalId: string): Promise<string[]> {
  const rows: { workflow_id: string }[] = await db.query(`SELECT workflow_id FROM workflow_reviewers WHERE principal_id = $1`, [principalId]);
  return rows.map((r) => r.workflow_id);
}

/** The principals assigned to a workflow, in the order they were assigned. */
export async function workflowReviewerIds(db: EntityManager, workflowId: string): Promise<string[]> {
  const rows: { principal_id: string }[] = await db.query(
    `SELECT principal_id FROM workflow_reviewers WHERE workflow_id = $1 ORDER BY assigned_at, principal_id`,
    [workflowId],
  );
  return rows.map((r) => r.principal_id);
}

/** Inserts the assignment; false if it already existed (a concurrent assign won). */
export async function insertWorkflowReviewer(db: EntityManager, a: ReviewerAssignment): Promise<boolean> {
  const rows: unknown[] = await db.query(
    `INSERT INTO workflow_reviewers (workflow_id, principal_id, assigned_by, assigned_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT DO NOTHING RETURNING 1`,
    [a.workflowId, a.principalId, a.assignedBy, a.assignedAt],
  );
  return rows.length > 0;
}

export async function deleteWorkflowReviewer(db: EntityManager, workflowId: string, principalId: string): Promise<void> {
  await db.query(`DELETE FROM workflow_reviewers WHERE workflow_id = $1 AND principal_id = $2`, [workflowId, principalId]);
}

interface DecisionRow {
  id: string;
  approval_id: string;
  round: number;
  decided_by: string;
  decision: string;
  reason: string | null;
  edited: JsonValue | null;
  decided_at: Date;
}

/** Every decision on an approval, oldest first. */
export async function loadApprovalDecisions(db: EntityManager, approvalId: string): Promise<ApprovalDecisionRecord[]> {
  const rows: DecisionRow[] = await db.query(
    `SELECT id, approval_id, round, decided_by, decision, reason, edited, decided_at FROM approval_decisions WHERE approval_id = $1 ORDER BY decided_at, id`,
    [approvalId],
  );
  return rows.map((r) => ({
    id: r.id,
    approvalId: r.approval_id,
    round: r.round,
    decidedBy: r.decided_by,
    decision: r.decision as ApprovalDecision,
    reason: r.reason,
    edited: r.edited,
    decidedAt: r.decided_at,
  }));
}

export async function insertApprovalDecision(db: EntityManager, d: ApprovalDecisionRecord): Promise<void> {
  await db.query(
    `INSERT INTO approval_decisions (id, approval_id, round, decided_by, decision, reason, edited, decided_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [d.id, d.approvalId, d.round, d.decidedBy, d.decision, d.reason, d.edited === null ? null : JSON.stringify(d.edited), d.decidedAt],
  );
}
