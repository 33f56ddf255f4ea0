import type { HandOffOutcome, HandOffRecord } from '@gatehouse/domain';
import { Arg, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import { principalOf } from '../../graphql/authorize.js';
import type { GraphQLContext } from '../../graphql/context.js';
import { HandOffOutcomeEnum, HandOffType } from './hand-off.types.js';

@Resolver(() => HandOffType)
export class HandOffResolver {
  @Mutation(() => HandOffType, { description: 'The manual path a run was handed off to reports back: accepted, completed, failed or bounced. A closed hand-off is CONFLICT.' })
  recordHandOffOutcome(
    @Arg('handOffId', () => ID) handOffId: string,
    @Arg('status', () => HandOffOutcomeEnum) status: HandOffOutcome,
    @Arg('note', () => String, { nullable: true }) note: string | null,
    @Ctx() ctx: GraphQLContext,
  ): Promise<HandOffRecord> {
    return ctx.services.handOffs.recordOutcome(principalOf(ctx), handOffId, status, note);
  }
}
