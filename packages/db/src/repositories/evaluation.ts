import { PromotionSignOffEntity, ReadinessAssessmentEntity, ShadowOutcomeEntity } from '../entities/index.js';
import { checkRunbook, readinessScore, type PromotionEvidence, type RunbookCheck, type PromotionSignOff, type ReadinessAnswers, type ReadinessAssessment, type RolloutStage, type Workflow, type WorkflowVersion } from '@gatehouse/domain';
import { loadPublishedVersion } from './loaders.js';
import type { Tx } from './transaction.js';

export function toReadinessAssessment(e: ReadinessAssessmentEntity): ReadinessAssessment {
  return {
    id: e.id,
    workflowId: e.workflowId,
    answers: e.answers as ReadinessAnswers,
    metCount: e.metCount,
    score: readinessScore(e.metCount),
    ready: e.ready,
    assessedBy: e.assessedBy,
    assessedAt: e.assessedAt,
  };
}

export function fromReadinessAssessment(a: ReadinessAssessment): ReadinessAssessmentEntity {
  return Object.assign(new ReadinessAssessmentEntity(), {
    id: a.id,
    workflowId: a.workflowId,
    answers: a.answers,
    metCount: a.metCount,
    ready: a.ready,
    assessedBy: a.assessedBy,
    assessedAt: a.assessedAt,
  });
}

export function toPromotionSignOff(e: PromotionSignOffEntity): PromotionSignOff {
  return {
    id: e.id,
    workflowId: e.workflowId,
    toStage: e.toStage as RolloutStage,
    note: e.note,
    signedOffBy: e.signedOffBy,
    signedOffAt: e.signedOffAt,
    expiresAt: e.expiresAt,
    consumedAt: e.consumedAt,
  };
}

export function fromPromotionSignOff(s: PromotionSignOff): PromotionSignOffEntity {
  return Object.assign(new PromotionSignOffEntity(), { ...s });
}

/** The latest readiness assessment of a workflow (the one that counts), or null. */
export async function loadLatestReadiness(tx: Tx, workflowId: string): Promise<ReadinessAssessment | null> {
  const row = await tx.findOne(ReadinessAssessmentEntity, { where: { workflowId }, order: { assessedAt: 'DESC', id: 'DESC' } });
  return row ? toReadinessAssessment(row) : null;
}

/** The latest sign-off for a promotion to `toStage`, whatever its state; `lock` so one promotion consumes it. */
export async function loadLatestSignOff(tx: Tx, workflowId: string, toStage: RolloutStage, lock = false): Promise<PromotionSignOff | null> {
  const row = await tx.findOne(PromotionSignOffEntity, {
    where: { workflowId, toStage },
    order: { signedOffAt: 'DESC', id: 'DESC' },
    ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
  });
  return row ? toPromotionSignOff(row) : null;
}

/** `agreed` of the last `limit` judged human outcomes of a workflow's runs, most recent first. */
export async function loadRecentAgreement(tx: Tx, workflowId: string, limit: number): Promise<boolean[]> {
  const rows = await tx
    .createQueryBuilder(ShadowOutcomeEntity, 'o')
    .select('o.agreed', 'agreed')
    .where('o.workflow_id = :workflowId AND o.agreed IS NOT NULL', { workflowId })
    .orderBy('o.recorded_at', 'DESC')
    .addOrderBy('o.run_id', 'DESC')
    .limit(limit)
    .getRawMany<{ agreed: boolean }>();
  return rows.map((r) => r.agreed);
}

/**
 * Everything the promotion gate judges a promotion to `toStage` on. `published` is the
 * workflow's published version when the caller has already read it (else it is read here, for
 * execute only: its runbook).
 */
export async function loadPromotionEvidence(tx: Tx, workflow: Workflow, toStage: RolloutStage, lock = false, published?: WorkflowVersion | null): Promise<PromotionEvidence> {
  return {
    recentAgreement: await loadRecentAgreement(tx, workflow.id, workflow.evaluation.minSampleSize),
    signOff: await loadLatestSignOff(tx, workflow.id, toStage, lock),
    readiness: await loadLatestReadiness(tx, workflow.id),
    ...(toStage === 'execute' ? { runbook: runbookCheckOf(published === undefined ? await loadPublishedVersion(tx, workflow) : published) } : {}),
  };
}

function runbookCheckOf(published: WorkflowVersion | null): RunbookCheck | null {
  return published ? checkRunbook(published.runbook, published.definition) : null;
}
