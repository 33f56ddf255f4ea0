import { Field, Float, Int, ObjectType } from 'type-graphql';
import { ExceptionReasonEnum, MetricBucketEnum } from '../../graphql/enums.js';

/* Definitions of every figure: docs/metrics.md (one line each, matching metrics.service.ts). */

@ObjectType('MetricFigure', { description: 'A figure with the number of observations it is computed over. An empty sample gives value 0 and sampleSize 0.' })
export class MetricFigureType {
  @Field(() => Float) value: number;
  @Field(() => Int, { description: 'Observations the value is computed over (the denominator of a rate).' }) sampleSize: number;
}

@ObjectType('ExceptionReasonFigure')
export class ExceptionReasonFigureType {
  @Field(() => ExceptionReasonEnum) reason: string;
  @Field(() => Int, { description: 'Exceptions of this reason opened on the period’s runs.' }) count: number;
  @Field(() => MetricFigureType, { description: 'Runs with at least one exception of this reason ÷ runs started.' }) rate: MetricFigureType;
}

@ObjectType('MetricsFigures', {
  description: 'Outcome figures for the runs CREATED in a period (a cohort); their approvals, exceptions, hand-offs, costs and shadow outcomes count with them. See docs/metrics.md.',
})
export class MetricsFiguresType {
  @Field(() => Int, { description: 'Runs started (created) in the period: throughput.' }) runsStarted: number;
  @Field(() => Int, { description: 'Of those, runs in a terminal state now.' }) runsFinished: number;
  @Field(() => Int) completed: number;
  @Field(() => Int) failed: number;
  @Field(() => Int) cancelled: number;
  @Field(() => Int) handedOff: number;
  @Field(() => MetricFigureType, { description: 'Median seconds from created to finished, over finished runs.' }) cycleTimeP50Seconds: MetricFigureType;
  @Field(() => MetricFigureType, { description: '90th percentile seconds from created to finished, over finished runs.' }) cycleTimeP90Seconds: MetricFigureType;
  @Field(() => MetricFigureType, { description: 'Completed runs with no approval, exception, hand-off or re-open ÷ completed runs.' }) straightThroughRate: MetricFigureType;
  @Field(() => MetricFigureType, { description: 'Runs with at least one exception ÷ runs started.' }) exceptionRate: MetricFigureType;
  @Field(() => Int) exceptionsOpened: number;
  @Field(() => [ExceptionReasonFigureType], { description: 'By reason, most frequent first.' }) exceptionsByReason: ExceptionReasonFigureType[];
  @Field(() => Int) handOffs: number;
  @Field(() => Int, { description: 'Hand-offs failed, bounced, or pending/accepted past their due time.' }) handOffFailures: number;
  @Field(() => MetricFigureType, { description: 'Hand-off failures ÷ hand-offs.' }) handOffFailureRate: MetricFigureType;
  @Field(() => Int) approvalsRequested: number;
  @Field(() => Int, { description: 'Approvals approved, edited or rejected.' }) approvalsDecided: number;
  @Field(() => Int, { description: 'Approvals edited or rejected.' }) approvalsReworked: number;
  @Field(() => Int, { description: 'Runs re-opened after completing.' }) runsReopened: number;
  @Field(() => MetricFigureType, { description: '(approvals edited or rejected + runs re-opened) ÷ (approvals decided + runs completed or re-opened).' }) reworkRate: MetricFigureType;
  @Field(() => MetricFigureType, { description: 'Failed runs ÷ finished runs.' }) errorRate: MetricFigureType;
  @Field(() => MetricFigureType, { description: 'Median seconds from approval requested to decided, over decided approvals.' }) approvalLatencyP50Seconds: MetricFigureType;
  @Field(() => MetricFigureType, { description: '90th percentile seconds from approval requested to decided.' }) approvalLatencyP90Seconds: MetricFigureType;
  @Field(() => Int, { description: 'Approvals decided after their due time, or pending past it.' }) approvalSlaBreaches: number;
  @Field(() => Int, { description: 'Exceptions resolved after their due time, or unresolved past it.' }) exceptionSlaBreaches: number;
  @Field(() => MetricFigureType, { description: 'SLA breaches ÷ approvals (not withdrawn) and exceptions that have a due time.' }) slaBreachRate: MetricFigureType;
  @Field(() => Float, { description: 'Sum of the step attempts’ cost, USD.' }) totalCostUsd: number;
  @Field(() => MetricFigureType, { description: 'Total cost ÷ runs started, USD.' }) costPerRunUsd: MetricFigureType;
  @Field(() => MetricFigureType, { description: 'Shadow outcomes that agreed ÷ shadow outcomes with a comparison.' }) shadowAgreementRate: MetricFigureType;
}

@ObjectType('MetricsBucketFigures')
export class MetricsBucketType {
  @Field(() => Date, { description: 'Bucket start (UTC).' }) start: Date;
  @Field(() => MetricsFiguresType) figures: MetricsFiguresType;
}

@ObjectType('CostDriftVsPrevious', { description: 'Cost per run in the period against the previous period of the same length.' })
export class CostDriftVsPreviousType {
  @Field(() => Float, { nullable: true, description: 'Percent change of cost per run; null when either period has no runs or the previous cost per run is 0.' }) percent: number | null;
  @Field(() => Float) costPerRunUsd: number;
  @Field(() => Int) sampleSize: number;
  @Field(() => Date) previousFrom: Date;
  @Field(() => Float) previousCostPerRunUsd: number;
  @Field(() => Int) previousSampleSize: number;
}

@ObjectType('CostDriftVsBaseline', { description: 'Cost per run in the period against the workflow’s configured baseline.' })
export class CostDriftVsBaselineType {
  @Field(() => Float, { nullable: true, description: 'Percent above (negative: below) the baseline; null when the period has no runs or the baseline is 0.' }) percent: number | null;
  @Field(() => Float) costPerRunUsd: number;
  @Field(() => Int) sampleSize: number;
  @Field(() => Float) baselinePerRunUsd: number;
}

@ObjectType('Metrics')
export class MetricsType {
  @Field(() => String, { nullable: true, description: 'null: across all workflows.' }) workflowKey: string | null;
  @Field(() => Date) from: Date;
  @Field(() => Date) to: Date;
  @Field(() => MetricBucketEnum) bucket: string;
  @Field(() => MetricsFiguresType) total: MetricsFiguresType;
  @Field(() => [ExceptionReasonFigureType], { description: 'Same as total.exceptionsByReason.' }) exceptionsByReason: ExceptionReasonFigureType[];
  @Field(() => [MetricsBucketType], { description: 'Every bucket in the window, empty ones included.' }) buckets: MetricsBucketType[];
  @Field(() => CostDriftVsPreviousType) costDriftVsPrevious: CostDriftVsPreviousType;
  @Field(() => CostDriftVsBaselineType, { nullable: true, description: 'null when the workflow has no cost baseline, and across all workflows.' }) costDriftVsBaseline: CostDriftVsBaselineType | null;
}
