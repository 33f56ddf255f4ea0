import type { MetricBucket } from '@gatehouse/domain';
import { Arg, Ctx, Query, Resolver } from 'type-graphql';
import type { GraphQLContext } from '../../graphql/context.js';
import { MetricBucketEnum } from '../../graphql/enums.js';
import { MetricsType } from './metrics.types.js';

@Resolver(() => MetricsType)
export class MetricsResolver {
  @Query(() => MetricsType, { description: 'Outcome metrics for one workflow (or all) over [from, to), per bucket and in total.' })
  metrics(
    @Arg('workflowKey', () => String, { nullable: true }) workflowKey: string | null,
    @Arg('from', () => Date) from: Date,
    @Arg('to', () => Date) to: Date,
    @Arg('bucket', () => MetricBucketEnum, { defaultValue: 'day' }) bucket: MetricBucket,
    @Ctx() ctx: GraphQLContext,
  ): Promise<MetricsType> {
    return ctx.services.metrics.compute(workflowKey, from, to, bucket);
  }
}
