import { READINESS_CRITERIA } from '@gatehouse/domain';
import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { RolloutStageEnum } from '../../graphql/enums.js';

export const AgreementRuleKindEnum = { fields: 'fields', label: 'label' } as const;
registerEnumType(AgreementRuleKindEnum, { name: 'AgreementRuleKind', description: 'fields: every listed top-level field equal; label: the one named field equal.' });

@ObjectType('AgreementRule', { description: 'How an AI result is judged against the recorded human outcome.' })
export class AgreementRuleType {
  @Field(() => AgreementRuleKindEnum)
  rule: 'fields' | 'label';

  @Field(() => [String], { description: 'The compared top-level fields (for label: the one label field).' })
  fields: string[];
}

@ObjectType('EvaluationPolicy', { description: "How a workflow's shadow agreement and cost drift are judged." })
export class EvaluationPolicyType {
  @Field(() => AgreementRuleType)
  agreement: AgreementRuleType;

  @Field(() => Float, { description: 'Share of agreeing outcomes (0–1) a promotion needs.' })
  agreementThreshold: number;

  @Field(() => Int, { description: 'Agreement is measured over this many most recent judged outcomes; fewer never pass.' })
  minSampleSize: number;

  @Field(() => Float, { nullable: true })
  costBaselinePerRunUsd: number | null;

  @Field(() => Float)
  costDriftPercent: number;

  @Field(() => Int)
  costWindowHours: number;
}

@InputType('AgreementRuleInput')
export class AgreementRuleInput {
  @Field(() => AgreementRuleKindEnum)
  rule: 'fields' | 'label';

  @Field(() => [String], { nullable: true, description: 'For rule fields: the compared top-level fields.' })
  fields?: string[] | null;

  @Field(() => String, { nullable: true, description: 'For rule label: the label field.' })
  field?: string | null;
}

@InputType('EvaluationPolicyInput', { description: 'Only the fields given change; the result is validated whole.' })
export class EvaluationPolicyInput {
  @Field(() => AgreementRuleInput, { nullable: true })
  agreement?: AgreementRuleInput | null;

  @Field(() => Float, { nullable: true })
  agreementThreshold?: number | null;

  @Field(() => Int, { nullable: true })
  minSampleSize?: number | null;

  @Field(() => Float, { nullable: true, description: 'null clears the baseline.' })
  costBaselinePerRunUsd?: number | null;

  @Field(() => Float, { nullable: true })
  costDriftPercent?: number | null;

  @Field(() => Int, { nullable: true })
  costWindowHours?: number | null;
}

@ObjectType('ShadowAgreement', { description: 'Agreement over the most recent judged human outcomes (at most minSampleSize).' })
export class ShadowAgreementType {
  @Field(() => Int)
  agreed: number;

  @Field(() => Int)
  sampleSize: number;

  @Field(() => Float, { nullable: true, description: 'agreed / sampleSize; null with no outcomes.' })
  rate: number | null;

  @Field(() => Float)
  threshold: number;

  @Field(() => Int)
  minSampleSize: number;

  @Field(() => Boolean, { description: 'At least minSampleSize outcomes and rate ≥ threshold.' })
  meetsThreshold: boolean;
}

@InputType('ReadinessAnswerInput')
export class ReadinessAnswerInput {
  @Field(() => Boolean)
  met: boolean;

  @Field(() => String, { nullable: true, description: 'Required when met.' })
  evidence?: string | null;
}

@InputType('ReadinessInput', { description: 'The six readiness criteria, each answered.' })
export class ReadinessInput {
  @Field(() => ReadinessAnswerInput, { description: 'Real volume: enough cases to matter and to measure.' })
  realVolume: ReadinessAnswerInput;

  @Field(() => ReadinessAnswerInput, { description: 'Visible drag or rework today.' })
  visibleDragOrRework: ReadinessAnswerInput;

  @Field(() => ReadinessAnswerInput, { description: 'Failure modes are understandable.' })
  understandableFailureModes: ReadinessAnswerInput;

  @Field(() => ReadinessAnswerInput, { description: 'Approvals can be defined.' })
  approvalsDefinable: ReadinessAnswerInput;

  @Field(() => ReadinessAnswerInput, { description: 'The outcome is measurable.' })
  outcomeMeasurable: ReadinessAnswerInput;

  @Field(() => ReadinessAnswerInput, { description: 'A named owner on the business side.' })
  namedBusinessOwner: ReadinessAnswerInput;
}

export const ReadinessCriterionEnum = Object.fromEntries(READINESS_CRITERIA.map((c) => [c, c])) as Record<string, string>;
registerEnumType(ReadinessCriterionEnum, { name: 'ReadinessCriterion', description: 'One item of the readiness checklist.' });

@ObjectType('ReadinessCriterionAnswer')
export class ReadinessCriterionAnswerType {
  @Field(() => ReadinessCriterionEnum)
  criterion: string;

  @Field(() => Boolean)
  met: boolean;

  @Field(() => String)
  evidence: string;
}

@ObjectType('ReadinessAssessment', { description: 'A readiness checklist as assessed; the latest counts.' })
export class ReadinessAssessmentType {
  @Field(() => ID)
  id: string;

  @Field(() => Float, { description: 'Met criteria / 6.' })
  score: number;

  @Field(() => Int)
  metCount: number;

  @Field(() => Boolean, { description: 'All six met: required before promotion to execute.' })
  ready: boolean;

  @Field(() => Date)
  assessedAt: Date;
}

@ObjectType('PromotionSignOff', { description: "The change approver's consent to one promotion; valid 7 days, used up by the promotion." })
export class PromotionSignOffType {
  @Field(() => ID)
  id: string;

  @Field(() => RolloutStageEnum)
  toStage: string;

  @Field(() => String)
  note: string;

  @Field(() => Date)
  signedOffAt: Date;

  @Field(() => Date)
  expiresAt: Date;

  @Field(() => Date, { nullable: true })
  consumedAt: Date | null;
}

@ObjectType('PromotionCheckFailure', { description: 'One thing a promotion still lacks.' })
export class PromotionCheckFailureType {
  @Field(() => String, { description: 'sample_size | agreement | change_approver | sign_off | readiness | runbook' })
  check: string;

  @Field(() => String)
  message: string;
}

@ObjectType('PromotionReadiness', { description: 'What the promotion to a stage still lacks, all at once.' })
export class PromotionReadinessType {
  @Field(() => RolloutStageEnum)
  from: string;

  @Field(() => RolloutStageEnum)
  to: string;

  @Field(() => Boolean)
  allowed: boolean;

  @Field(() => [PromotionCheckFailureType])
  missing: PromotionCheckFailureType[];

  @Field(() => ShadowAgreementType)
  agreement: ShadowAgreementType;

  @Field(() => String, { description: 'valid | missing | expired | consumed | other_stage' })
  signOffState: string;

  @Field(() => PromotionSignOffType, { nullable: true, description: 'The latest sign-off for this stage.' })
  signOff: PromotionSignOffType | null;

  @Field(() => Boolean)
  readinessRequired: boolean;

  @Field(() => ReadinessAssessmentType, { nullable: true })
  readiness: ReadinessAssessmentType | null;
}
