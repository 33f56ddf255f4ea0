import { Field, Float, Int, ObjectType } from 'type-graphql';
import { ExceptionReasonEnum, MetricBucketEnum } from '../../graphql/enums.js';

@ObjectType('MetricsFigures', {
  description: 'Outcome figures for the runs that STARTED in a period (a cohort). Every rate comes with the sample size it is over; an empty sample gives 0.',
})
export class MetricsFiguresType {
  @Field(() => Int, { description: 'Runs started in the period (throughput).' }) runsStarted: number;
  @Field(() => Int, { description: 'Of those, runs in a terminal state now.' }) runsFinished: number;
  @Field(() => Int) completed: number;
  @Field(() => Int) failed: number;
  @Field(() => Int) cancelled: number;
  @Field(() => Int) handedOff: number;
  @Field(() => Float, { description: 'Median seconds from start to terminal state, over finished runs.' }) cycleTimeP50Seconds: number;
  @Field(() => Float, { description: '90th percentile seconds from start to terminal state.' }) cycleTimeP90Seconds: number;
  @Field(() => Int, { description: 'Finished runs the cycle times are computed over.' }) cycleTimeSampleSize: number;
  @Field(() => Float, { description: 'Completed runs with no approval and no exception ÷ completed runs.' }) straightThroughRate: number;
  @Field(() => Float, { description: 'Runs with at least one exception ÷ runs started.' }) exceptionRate: number;
  @Field(() => Int) exceptionsOpened: number;
  @Field(() => Float, { description: 'Failed runs ÷ finished runs.' }) errorRate: number;
  @Field(() => Int) approvalsRequested: number;
  @Field(() => Int, { description: 'Approvals approved, edited or rejected.' }) approvalsDecided: number;
  @Field(() => Float, { description: 'Approvals edited or rejected ÷ approvals decided.' }) reworkRate: number;
}

@ObjectType('MetricsBucketFigures')
export class MetricsBucketType {
  @Field(() => Date, { description: 'Bucket start (UTC).' }) start: Date;
  @Field(() => MetricsFiguresType) figures: MetricsFiguresType;
}

@ObjectType('ExceptionReasonCount')
export class ExceptionReasonCountType {
  @Field(() => ExceptionReasonEnum) reason: string;
  @Field(() => Int) count: number;
}

@ObjectType('Metrics')
export class MetricsType {
  @Field(() => String, { nullable: true, description: 'null: across all workflows.' }) workflowKey: string | null;
  @Field(() => Date) from: Date;
  @Field(() => Date) to: Date;
  @Field(() => MetricBucketEnum) bucket: string;
  @Field(() => MetricsFiguresType) total: MetricsFiguresType;
  @Field(() => [ExceptionReasonCountType], { description: 'Exceptions opened on the period’s runs, by reason.' }) exceptionsByReason: ExceptionReasonCountType[];
  @Field(() => [MetricsBucketType], { description: 'Every bucket in the window, empty ones included.' }) buckets: MetricsBucketType[];
}
