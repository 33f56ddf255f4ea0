import {
  fromReadinessAssessment,
  fromPromotionSignOff,
  fromWorkflow,
  insertEntity,
  inTransaction,
  loadLatestReadiness,
  loadPromotionEvidence,
  loadRecentAgreement,
  loadWorkflow,
  PromotionSignOffEntity,
  ReadinessAssessmentEntity,
  recordEvents,
  WorkflowEntity,
} from '@gatehouse/db';
import {
  assessPromotion,
  assessReadiness,
  measureAgreement,
  nextStage,
  ROLLOUT_STAGES,
  setEvaluationPolicy,
  signOffPromotion,
  type Actor,
  type AgreementMeasure,
  type DomainEvent,
  type EvaluationPolicy,
  type PromotionAssessment,
  type PromotionSignOff,
  type ReadinessAssessment,
  type RolloutStage,
  type Workflow,
} from '@gatehouse/domain';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';

/** A partial policy as submitted: the fields given replace the current ones. */
export interface EvaluationPolicyChanges {
  agreement?: { rule: 'fields' | 'label'; fields?: string[] | null; field?: string | null } | null;
  agreementThreshold?: number | null;
  minSampleSize?: number | null;
  costBaselinePerRunUsd?: number | null;
  costDriftPercent?: number | null;
  costWindowHours?: number | null;
}

/** Shadow evaluation governance: the evaluation policy, promotion sign-offs, readiness. load → domain → save → audit. */
export class EvaluationService {
  constructor(private readonly ds: DataSource) {}

  setPolicy(actor: Actor, key: string, changes: EvaluationPolicyChanges): Promise<Workflow> {
    return inTransaction(this.ds, async (tx) => {
      const workflow = await loadWorkflow(tx, key, true);
      const { state, events } = setEvaluationPolicy(workflow, mergePolicy(workflow.evaluation, changes), new Date());
      await tx.save(WorkflowEntity, fromWorkflow(state));
      await recordEvents(tx, actor, withKey(events, key));
      return state;
    });
  }

  signOff(actor: Actor, key: string, toStage: RolloutStage, note: string): Promise<PromotionSignOff> {
    return inTransaction(this.ds, async (tx) => {
      // The workflow lock orders a sign-off against a concurrent promotion of the same workflow.
      const workflow = await loadWorkflow(tx, key, true);
      const { state, events } = signOffPromotion(workflow, { id: randomUUID(), toStage, note }, actor, new Date());
      await insertEntity(tx, PromotionSignOffEntity, fromPromotionSignOff(state));
      await recordEvents(tx, actor, withKey(events, key));
      return state;
    });
  }

  assessReadiness(actor: Actor, key: string, answers: unknown): Promise<ReadinessAssessment> {
    return inTransaction(this.ds, async (tx) => {
      const workflow = await loadWorkflow(tx, key, true);
      const { state, events } = assessReadiness(workflow, { id: randomUUID(), answers }, actor, new Date());
      await insertEntity(tx, ReadinessAssessmentEntity, fromReadinessAssessment(state));
      await recordEvents(tx, actor, withKey(events, key));
      return state;
    });
  }

  async agreement(workflow: Workflow): Promise<AgreementMeasure> {
    return measureAgreement(await loadRecentAgreement(this.ds.manager, workflow.id, workflow.evaluation.minSampleSize), workflow.evaluation);
  }

  latestReadiness(workflowId: string): Promise<ReadinessAssessment | null> {
    return loadLatestReadiness(this.ds.manager, workflowId);
  }

  /**
   * What a promotion to `toStage` (default: the next stage) still lacks; null when that is no
   * promotion (already at or past it), since demotions are never gated.
   */
  async promotionReadiness(workflow: Workflow, toStage: RolloutStage | null | undefined): Promise<{ assessment: PromotionAssessment; evidence: Awaited<ReturnType<typeof loadPromotionEvidence>> } | null> {
    const to = toStage ?? nextStage(workflow.rolloutStage);
    if (to === null || ROLLOUT_STAGES.indexOf(to) <= ROLLOUT_STAGES.indexOf(workflow.rolloutStage)) return null;
    const evidence = await loadPromotionEvidence(this.ds.manager, workflow, to);
    return { assessment: assessPromotion(workflow, to, evidence, new Date()), evidence };
  }
}

function mergePolicy(current: EvaluationPolicy, changes: EvaluationPolicyChanges): EvaluationPolicy {
  const merged: EvaluationPolicy = { ...current };
  if (changes.agreement) {
    merged.agreement = changes.agreement.rule === 'fields' ? { rule: 'fields', fields: changes.agreement.fields ?? [] } : { rule: 'label', field: changes.agreement.field ?? '' };
  }
  if (changes.agreementThreshold != null) merged.agreementThreshold = changes.agreementThreshold;
  if (changes.minSampleSize != null) merged.minSampleSize = changes.minSampleSize;
  // null is meaningful here (no baseline); only an absent field keeps the current value.
  if (changes.costBaselinePerRunUsd !== undefined) merged.costBaselinePerRunUsd = changes.costBaselinePerRunUsd;
  if (changes.costDriftPercent != null) merged.costDriftPercent = changes.costDriftPercent;
  if (changes.costWindowHours != null) merged.costWindowHours = changes.costWindowHours;
  return merged;
}

function withKey(events: DomainEvent[], workflowKey: string): DomainEvent[] {
  return events.map((e) => ({ ...e, data: { ...e.data, workflowKey } }));
}
