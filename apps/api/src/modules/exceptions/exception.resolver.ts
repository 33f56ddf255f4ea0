import { DomainError, exceptionSlaState, stepOutputSchema, type ExceptionItem, type ExceptionQueueOrder, type ExceptionReason, type ExceptionResolution, type ExceptionSlaState, type ExceptionStatus, type Run } from '@gatehouse/domain';
import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { listedWorkflowIds, principalOf } from '../../graphql/authorize.js';
import type { Connection } from '../../graphql/connection.js';
import type { GraphQLContext } from '../../graphql/context.js';
import { ExceptionResolutionEnum } from '../../graphql/enums.js';
import { JSONScalar } from '../../graphql/scalars.js';
import { PrincipalType } from '../identity/principal.types.js';
import { RunType } from '../runs/run.types.js';
import { WorkflowType } from '../workflows/workflow.types.js';
import type { AssigneeFilter } from './exception.service.js';
import { runLoader } from './exception-loaders.js';
import { ExceptionConnection, ExceptionFilterInput, ExceptionItemType, ExceptionQueueOrderEnum, ExceptionSlaStateEnum } from './exception.types.js';

@Resolver(() => ExceptionItemType)
export class ExceptionResolver {
  @Query(() => ExceptionConnection, { description: 'The exception queue: oldest first unless orderBy says otherwise, open and claimed by default. first ≤ 100.' })
  async exceptionQueue(
    @Arg('filter', () => ExceptionFilterInput, { nullable: true }) filter: ExceptionFilterInput | null,
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Arg('orderBy', () => ExceptionQueueOrderEnum, { nullable: true, description: 'Defaults to oldest. A cursor pages only the order it came from.' })
    orderBy: ExceptionQueueOrder | null,
    @Ctx() ctx: GraphQLContext,
  ): Promise<Connection<ExceptionItem>> {
    return ctx.services.exceptions.list(
      principalOf(ctx),
      {
        workflowKey: filter?.workflowKey ?? null,
        workflowIds: await listedWorkflowIds(ctx, filter?.workflowScope),
        reasons: (filter?.reasons as ExceptionReason[] | null) ?? null,
        statuses: (filter?.statuses as ExceptionStatus[] | null) ?? null,
        assignee: (filter?.assignee as AssigneeFilter | null) ?? null,
        minAgeMinutes: filter?.minAgeMinutes ?? null,
        slaStates: (filter?.slaStates as ExceptionSlaState[] | null) ?? null,
      },
      first,
      after,
      orderBy ?? 'oldest',
    );
  }

  @Query(() => ExceptionItemType, { description: 'One exception item, resolved or not; NOT_FOUND if there is none.' })
  exception(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<ExceptionItem> {
    return ctx.services.exceptions.get(id);
  }

  @Mutation(() => ExceptionItemType, { description: 'Take an item. Claiming one you hold is a no-op; one someone else holds is CONFLICT.' })
  claimException(@Arg('exceptionId', () => ID) exceptionId: string, @Ctx() ctx: GraphQLContext): Promise<ExceptionItem> {
    return ctx.services.exceptions.claim(principalOf(ctx), exceptionId);
  }

  @Mutation(() => ExceptionItemType, { description: 'Return a claimed item to the queue (holder or admin).' })
  releaseException(@Arg('exceptionId', () => ID) exceptionId: string, @Ctx() ctx: GraphQLContext): Promise<ExceptionItem> {
    return ctx.services.exceptions.release(principalOf(ctx), exceptionId);
  }

  @Mutation(() => ExceptionItemType, { description: 'retry, override_output (with output), hand_off (to a named manual path) or cancel; a note is required.' })
  resolveException(
    @Arg('exceptionId', () => ID) exceptionId: string,
    @Arg('resolution', () => ExceptionResolutionEnum) resolution: ExceptionResolution,
    @Arg('note', () => String) note: string,
    @Arg('output', () => JSONScalar, { nullable: true }) output: unknown,
    @Arg('handOffTo', () => String, { nullable: true }) handOffTo: string | null,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ExceptionItem> {
    return ctx.services.exceptions.resolve(principalOf(ctx), {
      exceptionId,
      resolution,
      note,
      handOffTo,
      ...(output !== undefined && output !== null ? { output: output as never } : {}),
    });
  }

  @FieldResolver(() => RunType)
  async run(@Root() x: ExceptionItem, @Ctx() ctx: GraphQLContext): Promise<Run> {
    return requireRun(await runLoader(ctx).load(x.runId), x);
  }

  @FieldResolver(() => ExceptionSlaStateEnum, { nullable: true, description: 'The SLA state now (see ExceptionSlaState); null once resolved.' })
  slaState(@Root() x: ExceptionItem): ExceptionSlaState | null {
    return exceptionSlaState(x, new Date());
  }

  @FieldResolver(() => JSONScalar, {
    nullable: true,
    description:
      "The JSON Schema the failing step's output must satisfy (an agent step's outputSchema, a validate step's schema), from the run's workflow version; an override_output is validated against it. Null when the step states none.",
  })
  async stepOutputSchema(@Root() x: ExceptionItem, @Ctx() ctx: GraphQLContext): Promise<unknown> {
    const run = requireRun(await runLoader(ctx).load(x.runId), x);
    const version = await ctx.loaders.version.load(run.versionId);
    return version ? stepOutputSchema(version.definition, x.stepId) : null;
  }

  @FieldResolver(() => WorkflowType)
  workflow(@Root() x: ExceptionItem, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.workflow.load(x.workflowId);
  }

  @FieldResolver(() => PrincipalType, { nullable: true })
  assignee(@Root() x: ExceptionItem, @Ctx() ctx: GraphQLContext) {
    return x.assigneeId ? ctx.loaders.principal.load(x.assigneeId) : null;
  }

  @FieldResolver(() => PrincipalType, { nullable: true })
  resolvedBy(@Root() x: ExceptionItem, @Ctx() ctx: GraphQLContext) {
    return x.resolvedBy ? ctx.loaders.principal.load(x.resolvedBy) : null;
  }
}

/** An item's run always exists (runs are never deleted); a missing one is a broken invariant. */
function requireRun(run: Run | null, x: ExceptionItem): Run {
  if (!run) throw new DomainError('not_found', `No run with id ${x.runId}.`, { runId: x.runId });
  return run;
}
