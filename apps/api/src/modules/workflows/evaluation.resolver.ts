import { READINESS_CRITERIA, type AgreementMeasure, type EvaluationPolicy, type PromotionSignOff, type ReadinessAssessment, type Workflow } from '@gatehouse/domain';
import { Arg, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import { principalOf } from '../../graphql/authorize.js';
import type { GraphQLContext } from '../../graphql/context.js';
import { RolloutStageEnum } from '../../graphql/enums.js';
import { PrincipalType } from '../identity/principal.types.js';
import {
  EvaluationPolicyInput,
  EvaluationPolicyType,
  PromotionReadinessType,
  PromotionSignOffType,
  ReadinessAssessmentType,
  ReadinessCriterionAnswerType,
  ReadinessInput,
  ShadowAgreementType,
} from './evaluation.types.js';
import { WorkflowType } from './workflow.types.js';

type Stage = 'shadow' | 'draft' | 'execute';

/** Shadow evaluation, promotion sign-off and readiness: mutations and the Workflow fields that show them. */
@Resolver(() => WorkflowType)
export class EvaluationResolver {
  @Mutation(() => WorkflowType, { description: 'Change how agreement is judged and when promotion is allowed (audited with before/after).' })
  setEvaluationPolicy(
    @Arg('workflowKey', () => String) workflowKey: string,
    @Arg('policy', () => EvaluationPolicyInput) policy: EvaluationPolicyInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<Workflow> {
    return ctx.services.evaluation.setPolicy(principalOf(ctx), workflowKey, policy);
  }

  @Mutation(() => PromotionSignOffType, { description: "The workflow's named change approver (or an admin) signs off the next promotion; valid 7 days, for one promotion." })
  signOffPromotion(
    @Arg('workflowKey', () => String) workflowKey: string,
    @Arg('toStage', () => RolloutStageEnum) toStage: Stage,
    @Arg('note', () => String) note: string,
    @Ctx() ctx: GraphQLContext,
  ): Promise<PromotionSignOff> {
    return ctx.services.evaluation.signOff(principalOf(ctx), workflowKey, toStage, note);
  }

  @Mutation(() => ReadinessAssessmentType, { description: 'Record a readiness assessment (history kept; the latest counts). All six met is required before execute.' })
  assessReadiness(
    @Arg('workflowKey', () => String) workflowKey: string,
    @Arg('input', () => ReadinessInput) input: ReadinessInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ReadinessAssessment> {
    // Plain object: the domain validates it whole (met, evidence required when met).
    const answers = Object.fromEntries(Object.entries(input).map(([k, v]) => [k, { met: v.met, evidence: v.evidence ?? '' }]));
    return ctx.services.evaluation.assessReadiness(principalOf(ctx), workflowKey, answers);
  }

  @FieldResolver(() => EvaluationPolicyType, { description: 'How shadow agreement and cost drift are judged.' })
  evaluation(@Root() w: Workflow): EvaluationPolicyType {
    const policy: EvaluationPolicy = w.evaluation;
    return { ...policy, agreement: { rule: policy.agreement.rule, fields: policy.agreement.rule === 'fields' ? policy.agreement.fields : [policy.agreement.field] } };
  }

  @FieldResolver(() => ShadowAgreementType, { description: 'Agreement over the last minSampleSize judged human outcomes.' })
  shadowAgreement(@Root() w: Workflow, @Ctx() ctx: GraphQLContext): Promise<AgreementMeasure> {
    return ctx.services.evaluation.agreement(w);
  }

  @FieldResolver(() => ReadinessAssessmentType, { nullable: true, description: 'The latest readiness assessment.' })
  readiness(@Root() w: Workflow, @Ctx() ctx: GraphQLContext): Promise<ReadinessAssessment | null> {
    return ctx.services.evaluation.latestReadiness(w.id);
  }

  @FieldResolver(() => PromotionReadinessType, { nullable: true, description: 'What the promotion to toStage (default: the next stage) still lacks; null when that is no promotion.' })
  async promotionReadiness(
    @Root() w: Workflow,
    @Arg('toStage', () => RolloutStageEnum, { nullable: true }) toStage: Stage | null,
    @Ctx() ctx: GraphQLContext,
  ): Promise<PromotionReadinessType | null> {
    const result = await ctx.services.evaluation.promotionReadiness(w, toStage);
    if (!result) return null;
    const { assessment: a, evidence } = result;
    return {
      from: a.from,
      to: a.to,
      allowed: a.allowed,
      missing: a.failed,
      agreement: a.agreement,
      signOffState: a.signOff.state,
      signOff: evidence.signOff,
      readinessRequired: a.readiness.required,
      readiness: evidence.readiness as ReadinessAssessmentType | null,
    };
  }
}

@Resolver(() => ReadinessAssessmentType)
export class ReadinessAssessmentResolver {
  @FieldResolver(() => [ReadinessCriterionAnswerType], { description: 'The six criteria in checklist order.' })
  criteria(@Root() a: ReadinessAssessment): ReadinessCriterionAnswerType[] {
    return READINESS_CRITERIA.map((criterion) => ({ criterion, ...a.answers[criterion] }));
  }

  @FieldResolver(() => PrincipalType, { nullable: true })
  assessedBy(@Root() a: ReadinessAssessment, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.principal.load(a.assessedBy);
  }
}

@Resolver(() => PromotionSignOffType)
export class PromotionSignOffResolver {
  @FieldResolver(() => PrincipalType, { nullable: true })
  signedOffBy(@Root() s: PromotionSignOff, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.principal.load(s.signedOffBy);
  }
}
