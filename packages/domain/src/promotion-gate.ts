import { DomainError } from './errors.js';
import type { EvaluationPolicy } from './evaluation-policy.js';
import { nextStage, signOffState, type PromotionSignOff, type SignOffState } from './promotion-signoff.js';
import { unmetCriteria, type ReadinessAssessment, type ReadinessCriterion } from './readiness.js';
import type { RunbookCheck } from './runbook.js';
import type { Actor } from './roles.js';
import { setRolloutStage, type RolloutStage, type Transition, type Workflow } from './workflow.js';

/** Shadow agreement over the most recent recorded outcomes that could be judged. */
export interface AgreementMeasure {
  agreed: number;
  sampleSize: number;
  /** agreed / sampleSize; null with no sample. */
  rate: number | null;
  threshold: number;
  minSampleSize: number;
  meetsThreshold: boolean;
}

/**
 * `recent`: whether each recent outcome agreed, most recent first (outcomes not yet judged
 * left out). Only the latest `minSampleSize` count, so old agreement cannot carry a drifting
 * workflow through the gate.
 */
export function measureAgreement(recent: readonly boolean[], policy: EvaluationPolicy): AgreementMeasure {
  const sample = recent.slice(0, policy.minSampleSize);
  const agreed = sample.filter(Boolean).length;
  const sampleSize = sample.length;
  // Compared as counts: 0.7 × 10 is 7.000000000000001 in floating point, 7 agreeing must pass.
  const required = Math.ceil(policy.agreementThreshold * sampleSize - 1e-9);
  return {
    agreed,
    sampleSize,
    rate: sampleSize === 0 ? null : agreed / sampleSize,
    threshold: policy.agreementThreshold,
    minSampleSize: policy.minSampleSize,
    meetsThreshold: sampleSize >= policy.minSampleSize && agreed >= required,
  };
}

/** What a promotion is judged on, loaded by the caller. */
export interface PromotionEvidence {
  /** Recent outcomes' `agreed` (non-null only), most recent first; at least minSampleSize if there are that many. */
  recentAgreement: readonly boolean[];
  /** The latest sign-off for the target stage, whatever its state. */
  signOff: PromotionSignOff | null;
  /** The latest readiness assessment. */
  readiness: ReadinessAssessment | null;
  /**
   * For a promotion to execute: the published version's runbook against its definition (unset:
   * not checked). setRolloutStage enforces it on its own, before the gate and without override
   * (assertRunbookForStage); here it is one more thing the promotion visibly lacks.
   */
  runbook?: RunbookCheck | null;
}

export type PromotionCheck = 'sample_size' | 'agreement' | 'change_approver' | 'sign_off' | 'readiness' | 'runbook';

export interface FailedCheck {
  check: PromotionCheck;
  message: string;
}

export interface PromotionAssessment {
  from: RolloutStage;
  to: RolloutStage;
  allowed: boolean;
  failed: FailedCheck[];
  agreement: AgreementMeasure;
  signOff: { state: SignOffState | 'missing'; id: string | null; expiresAt: Date | null };
  readiness: { required: boolean; assessed: boolean; ready: boolean; score: number | null; unmet: ReadinessCriterion[] };
}

const pct = (share: number) => `${(share * 100).toFixed(1)} %`;

/**
 * Everything a promotion to `to` still lacks, all at once (the console lists it; the gate
 * refuses with it). shadow → draft needs agreement and the change approver's sign-off;
 * draft → execute needs those and a passing readiness assessment.
 */
export function assessPromotion(workflow: Workflow, to: RolloutStage, evidence: PromotionEvidence, now: Date): PromotionAssessment {
  const failed: FailedCheck[] = [];
  const agreement = measureAgreement(evidence.recentAgreement, workflow.evaluation);
  if (agreement.sampleSize < agreement.minSampleSize) {
    failed.push({ check: 'sample_size', message: `only ${agreement.sampleSize} judged human outcome${agreement.sampleSize === 1 ? '' : 's'} recorded; ${agreement.minSampleSize} needed` });
  } else if (!agreement.meetsThreshold) {
    failed.push({ check: 'agreement', message: `agreement ${pct(agreement.rate ?? 0)} (${agreement.agreed} of the last ${agreement.sampleSize}) is below the required ${pct(agreement.threshold)}` });
  }

  const state = evidence.signOff ? signOffState(evidence.signOff, to, now) : 'missing';
  if (workflow.owners.changeApproverId === null) {
    failed.push({ check: 'change_approver', message: 'no change approver is named to sign off promotions' });
  } else if (state !== 'valid') {
    const why = { missing: 'there is none', expired: 'the latest one has expired', consumed: 'the latest one was already used by a promotion', other_stage: 'there is none for this stage' }[state];
    failed.push({ check: 'sign_off', message: `the change approver's sign-off for ${to} is missing (${why})` });
  }

  const required = to === 'execute';
  const assessment = evidence.readiness;
  const unmet = assessment ? unmetCriteria(assessment.answers) : [];
  if (required && !assessment) failed.push({ check: 'readiness', message: 'no readiness assessment has been recorded' });
  else if (required && assessment && !assessment.ready) failed.push({ check: 'readiness', message: `the latest readiness assessment is not ready (unmet: ${unmet.join(', ')})` });
  if (to === 'execute' && evidence.runbook && !evidence.runbook.complete) {
    failed.push({ check: 'runbook', message: `the published version's runbook lacks ${evidence.runbook.missing.map((m) => `"## ${m.heading}"`).join(', ')}` });
  }

  return {
    from: workflow.rolloutStage,
    to,
    allowed: failed.length === 0,
    failed,
    agreement,
    signOff: { state, id: evidence.signOff?.id ?? null, expiresAt: evidence.signOff?.expiresAt ?? null },
    readiness: { required, assessed: assessment !== null, ready: assessment?.ready ?? false, score: assessment?.score ?? null, unmet },
  };
}

/** The numbers behind a decision, as they go into error details and audit events. */
export function promotionNumbers(a: PromotionAssessment): Record<string, unknown> {
  return {
    failedChecks: a.failed.map((f) => f.check),
    agreement: { agreed: a.agreement.agreed, sampleSize: a.agreement.sampleSize, rate: a.agreement.rate, threshold: a.agreement.threshold, minSampleSize: a.agreement.minSampleSize },
    signOff: { state: a.signOff.state, id: a.signOff.id },
    readiness: { required: a.readiness.required, assessed: a.readiness.assessed, ready: a.readiness.ready, score: a.readiness.score, unmet: a.readiness.unmet },
  };
}

export function promotionRefusal(workflow: Workflow, a: PromotionAssessment): DomainError {
  return new DomainError(
    'precondition_failed',
    `Promotion of "${workflow.key}" from ${a.from} to ${a.to} refused: ${a.failed.map((f) => f.message).join('; ')}. An admin may override with a reason.`,
    { from: a.from, to: a.to, ...promotionNumbers(a) },
  );
}

export interface RolloutStageCommand {
  stage: RolloutStage;
  reason: string;
  /** Admin only: promote although the gate refuses; audited with the failed checks. */
  override?: boolean;
}

export interface RolloutStageChange extends Transition<Workflow> {
  /** The sign-off this promotion used up, to be saved; null when none was used. */
  consumedSignOff: PromotionSignOff | null;
}

/**
 * Changes the rollout stage through the promotion gate. Demotions are the safe direction and
 * are never gated. A refused promotion goes through only on an admin's override, which is
 * audited as its own event beside the promotion.
 */
export function changeRolloutStage(workflow: Workflow, command: RolloutStageCommand, evidence: PromotionEvidence, actor: Actor, now: Date): RolloutStageChange {
  if (command.override && actor.role !== 'admin') {
    throw new DomainError('forbidden', 'Only an admin may override the promotion gate.', { role: actor.role });
  }
  const moved = setRolloutStage(workflow, command.stage, command.reason, now);
  if (command.stage !== nextStage(workflow.rolloutStage)) return { ...moved, consumedSignOff: null };

  const assessment = assessPromotion(workflow, command.stage, evidence, now);
  if (!assessment.allowed && !command.override) throw promotionRefusal(workflow, assessment);
  const consumedSignOff = assessment.signOff.state === 'valid' && evidence.signOff ? { ...evidence.signOff, consumedAt: now } : null;
  const [promoted, ...rest] = moved.events;
  const events = [{ ...promoted!, data: { ...promoted!.data, signOffId: consumedSignOff?.id ?? null, agreement: promotionNumbers(assessment).agreement } }, ...rest];
  if (!assessment.allowed) {
    events.push({
      type: 'workflow.promotion_overridden',
      subjectType: 'workflow',
      subjectId: workflow.id,
      data: { from: assessment.from, to: assessment.to, reason: command.reason.trim(), failed: assessment.failed, ...promotionNumbers(assessment) },
    });
  }
  return { state: moved.state, events, consumedSignOff };
}
