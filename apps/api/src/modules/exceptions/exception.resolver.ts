import type { ExceptionItem, ExceptionReason, ExceptionResolution, ExceptionStatus } from '@gatehouse/domain';
import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { principalOf } from '../../graphql/authorize.js';
import type { Connection } from '../../graphql/connection.js';
import type { GraphQLContext } from '../../graphql/context.js';
import { ExceptionResolutionEnum } from '../../graphql/enums.js';
import { JSONScalar } from '../../graphql/scalars.js';
import { PrincipalType } from '../identity/principal.types.js';
import { RunType } from '../runs/run.types.js';
import { WorkflowType } from '../workflows/workflow.types.js';
import type { AssigneeFilter } from './exception.service.js';
import { ExceptionConnection, ExceptionFilterInput, ExceptionItemType } from './exception.types.js';

@Resolver(() => ExceptionItemType)
export class ExceptionResolver {
  @Query(() => ExceptionConnection, { description: 'The exception queue: oldest first, open and claimed by default. first ≤ 100.' })
  exceptionQueue(
    @Arg('filter', () => ExceptionFilterInput, { nullable: true }) filter: ExceptionFilterInput | null,
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: GraphQLContext,
  ): Promise<Connection<ExceptionItem>> {
    return ctx.services.exceptions.list(
      principalOf(ctx),
      {
        workflowKey: filter?.workflowKey ?? null,
        reasons: (filter?.reasons as ExceptionReason[] | null) ?? null,
        statuses: (filter?.statuses as ExceptionStatus[] | null) ?? null,
        assignee: (filter?.assignee as AssigneeFilter | null) ?? null,
      },
      first,
      after,
    );
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
  run(@Root() x: ExceptionItem, @Ctx() ctx: GraphQLContext) {
    return ctx.services.runs.get(x.runId);
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
