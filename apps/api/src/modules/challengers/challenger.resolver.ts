import type { ChallengerComparison, Workflow } from '@gatehouse/domain';
import { Arg, Ctx, FieldResolver, Float, ID, Int, Mutation, Resolver, Root } from 'type-graphql';
import { principalOf } from '../../graphql/authorize.js';
import type { GraphQLContext } from '../../graphql/context.js';
import { PrincipalType } from '../identity/principal.types.js';
import { WorkflowType, WorkflowVersionType } from '../workflows/workflow.types.js';
import { ChallengerComparisonType, ChallengerType } from './challenger.types.js';

/** Champion / challenger on the Workflow: attach, detach, and the challenger with its comparison. */
@Resolver(() => WorkflowType)
export class WorkflowChallengerResolver {
  @Mutation(() => WorkflowType, {
    description:
      'Attach an approved version that changes the model, provider, prompt or rules as the challenger: it runs in shadow beside the published champion on sharePercent (0–100) of live runs; its actions never execute. Replaces any other challenger; the same version again changes only the share. Refused on a paused workflow. Audited.',
  })
  attachChallenger(
    @Arg('workflowKey', () => String) workflowKey: string,
    @Arg('sharePercent', () => Float) sharePercent: number,
    @Arg('version', () => Int, { nullable: true, description: 'The challenger by its version number (or versionId).' }) version: number | null,
    @Arg('versionId', () => ID, { nullable: true }) versionId: string | null,
    @Ctx() ctx: GraphQLContext,
  ): Promise<Workflow> {
    return ctx.services.challengers.attach(principalOf(ctx), { workflowKey, version, versionId, sharePercent });
  }

  @Mutation(() => WorkflowType, { description: 'Stop the challenger shadowing live runs (audited with the reason). Its runs and comparison stay readable through the runs query.' })
  detachChallenger(@Arg('workflowKey', () => String) workflowKey: string, @Arg('reason', () => String) reason: string, @Ctx() ctx: GraphQLContext): Promise<Workflow> {
    return ctx.services.challengers.detach(principalOf(ctx), workflowKey, reason);
  }

  @FieldResolver(() => ChallengerType, { nullable: true, description: 'The version shadowing live runs beside the published one; null when none. Publishing it is the switch, gated on its agreement.' })
  async challenger(@Root() w: Workflow, @Ctx() ctx: GraphQLContext): Promise<ChallengerType | null> {
    const challenger = w.challenger;
    if (!challenger) return null;
    const version = await ctx.loaders.version.load(challenger.versionId);
    return { ...challenger, changes: await ctx.services.challengers.changes(w, version), workflow: w } as ChallengerType;
  }
}

@Resolver(() => ChallengerType)
export class ChallengerResolver {
  @FieldResolver(() => WorkflowVersionType)
  version(@Root() c: ChallengerType, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.version.load(c.versionId);
  }

  @FieldResolver(() => PrincipalType, { nullable: true })
  attachedBy(@Root() c: ChallengerType, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.principal.load(c.attachedBy);
  }

  @FieldResolver(() => ChallengerComparisonType, { description: 'Agreement, cost per run and step latency of both, side by side, with sample sizes.' })
  async comparison(@Root() c: ChallengerType, @Ctx() ctx: GraphQLContext): Promise<ChallengerComparison> {
    return (await ctx.services.challengers.comparison(c.workflow))!;
  }
}
