import type { Approval, ExceptionItem, Run, RunStatus, ShadowOutcome, StepAttempt } from '@gatehouse/domain';
import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { principalOf } from '../../graphql/authorize.js';
import type { Connection } from '../../graphql/connection.js';
import type { GraphQLContext } from '../../graphql/context.js';
import { JSONScalar } from '../../graphql/scalars.js';
import { ApprovalType } from '../approvals/approval.types.js';
import { ExceptionItemType } from '../exceptions/exception.types.js';
import { PrincipalType } from '../identity/principal.types.js';
import { WorkflowType } from '../workflows/workflow.types.js';
import { RunConnection, RunFilterInput, RunType, ShadowOutcomeType, StartRunPayload, StepAttemptType } from './run.types.js';

@Resolver(() => RunType)
export class RunResolver {
  @Query(() => RunType, { description: 'One run with its trace; NOT_FOUND if there is none.' })
  run(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<Run> {
    return ctx.services.runs.get(id);
  }

  @Query(() => RunConnection, { description: 'Newest first. first ≤ 100.' })
  runs(
    @Arg('filter', () => RunFilterInput, { nullable: true }) filter: RunFilterInput | null,
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: GraphQLContext,
  ): Promise<Connection<Run>> {
    return ctx.services.runs.list({ ...filter, statuses: (filter?.statuses as RunStatus[] | null) ?? null }, first, after);
  }

  @Mutation(() => StartRunPayload, {
    description: 'Start a run of the published version. Same idempotencyKey + same input returns the same run; a different input is CONFLICT.',
  })
  startRun(
    @Arg('workflowKey', () => String) workflowKey: string,
    @Arg('input', () => JSONScalar) input: unknown,
    @Arg('idempotencyKey', () => String) idempotencyKey: string,
    @Arg('externalRef', () => String, { nullable: true }) externalRef: string | null,
    @Ctx() ctx: GraphQLContext,
  ) {
    return ctx.services.runs.start(principalOf(ctx), { workflowKey, input, idempotencyKey, externalRef });
  }

  @Mutation(() => RunType)
  cancelRun(@Arg('runId', () => ID) runId: string, @Arg('reason', () => String) reason: string, @Ctx() ctx: GraphQLContext): Promise<Run> {
    return ctx.services.runs.cancel(principalOf(ctx), runId, reason);
  }

  @Mutation(() => ShadowOutcomeType, { description: 'What the human actually did for this run; compared with the AI result.' })
  recordHumanOutcome(@Arg('runId', () => ID) runId: string, @Arg('outcome', () => JSONScalar) outcome: unknown, @Ctx() ctx: GraphQLContext): Promise<ShadowOutcome> {
    return ctx.services.runs.recordHumanOutcome(principalOf(ctx), runId, outcome as never);
  }

  @FieldResolver(() => WorkflowType)
  workflow(@Root() run: Run, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.workflow.load(run.workflowId);
  }

  @FieldResolver(() => Int, { description: 'The workflow version number this run executes.' })
  async version(@Root() run: Run, @Ctx() ctx: GraphQLContext): Promise<number> {
    return (await ctx.loaders.version.load(run.versionId))?.version ?? 0;
  }

  @FieldResolver(() => PrincipalType, { nullable: true })
  createdBy(@Root() run: Run, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.principal.load(run.createdBy);
  }

  @FieldResolver(() => [StepAttemptType])
  steps(@Root() run: Run, @Ctx() ctx: GraphQLContext): Promise<StepAttempt[]> {
    return ctx.services.runs.stepAttempts(run.id);
  }

  @FieldResolver(() => [ApprovalType])
  approvals(@Root() run: Run, @Ctx() ctx: GraphQLContext): Promise<Approval[]> {
    return ctx.services.runs.approvals(run.id);
  }

  @FieldResolver(() => [ExceptionItemType])
  exceptions(@Root() run: Run, @Ctx() ctx: GraphQLContext): Promise<ExceptionItem[]> {
    return ctx.services.runs.exceptions(run.id);
  }

  @FieldResolver(() => RunType, { nullable: true, description: 'The challenger run shadowing this live run, when the workflow had a challenger that sampled it.' })
  challengerRun(@Root() run: Run, @Ctx() ctx: GraphQLContext): Promise<Run | null> {
    return run.championRunId ? Promise.resolve(null) : ctx.services.runs.challengerRunOf(run.id);
  }

  @FieldResolver(() => ShadowOutcomeType, { nullable: true })
  shadowOutcome(@Root() run: Run, @Ctx() ctx: GraphQLContext): Promise<ShadowOutcome | null> {
    return ctx.services.runs.shadowOutcome(run.id);
  }
}
