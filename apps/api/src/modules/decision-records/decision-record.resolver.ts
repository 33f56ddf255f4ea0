import type { DecisionRecord } from '@gatehouse/domain';
import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import { principalOf } from '../../graphql/authorize.js';
import type { GraphQLContext } from '../../graphql/context.js';
import { DecisionRecordType } from './decision-record.types.js';

export function toDecisionRecordType(record: DecisionRecord): DecisionRecordType {
  return {
    runId: record.run.id,
    schemaVersion: record.schemaVersion,
    workflowKey: record.workflow.key,
    version: record.workflow.version,
    rolloutStage: record.run.rolloutStage,
    runStatus: record.run.status,
    finalAction: record.finalAction.outcome,
    generatedAt: new Date(record.generatedAt),
    document: record as unknown as Record<string, unknown>,
  };
}

@Resolver(() => DecisionRecordType)
export class DecisionRecordResolver {
  @Query(() => DecisionRecordType, { description: "One run's decision record; NOT_FOUND if there is no such run. Audited as an export." })
  async decisionRecord(@Arg('runId', () => ID) runId: string, @Ctx() ctx: GraphQLContext): Promise<DecisionRecordType> {
    return toDecisionRecordType(await ctx.services.decisionRecords.export(principalOf(ctx), runId, 'graphql'));
  }
}
