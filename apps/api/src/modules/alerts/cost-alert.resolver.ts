import type { CostAlert } from '@gatehouse/domain';
import { Arg, Ctx, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import type { Connection } from '../../graphql/connection.js';
import type { GraphQLContext } from '../../graphql/context.js';
import { WorkflowType } from '../workflows/workflow.types.js';
import { CostAlertConnection, CostAlertType } from './cost-alert.types.js';

@Resolver(() => CostAlertType)
export class CostAlertResolver {
  @Query(() => CostAlertConnection, { description: 'Cost drift alerts, newest first; openOnly: only those not cleared. first ≤ 100.' })
  costAlerts(
    @Arg('workflowKey', () => String, { nullable: true }) workflowKey: string | null,
    @Arg('openOnly', () => Boolean, { defaultValue: false }) openOnly: boolean,
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: GraphQLContext,
  ): Promise<Connection<CostAlert>> {
    return ctx.services.costAlerts.list(workflowKey, openOnly, first, after);
  }

  @FieldResolver(() => WorkflowType)
  workflow(@Root() a: CostAlert, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.workflow.load(a.workflowId);
  }
}
