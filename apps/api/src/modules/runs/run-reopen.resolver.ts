import type { Run } from '@gatehouse/domain';
import { Arg, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import { principalOf } from '../../graphql/authorize.js';
import type { GraphQLContext } from '../../graphql/context.js';
import { RunType } from './run.types.js';

@Resolver()
export class RunReopenResolver {
  @Mutation(() => RunType, {
    description: 'A completed run whose result was wrong goes back to the exception queue (an invalid_output exception with details.reopened); counted as rework. Not completed: CONFLICT.',
  })
  reopenRun(@Arg('runId', () => ID) runId: string, @Arg('reason', () => String) reason: string, @Ctx() ctx: GraphQLContext): Promise<Run> {
    return ctx.services.runReopen.reopen(principalOf(ctx), runId, reason);
  }
}
