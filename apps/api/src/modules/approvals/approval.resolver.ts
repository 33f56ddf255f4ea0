import type { Approval, ApprovalDecision, ApprovalStatus } from '@gatehouse/domain';
import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { principalOf } from '../../graphql/authorize.js';
import type { Connection } from '../../graphql/connection.js';
import type { GraphQLContext } from '../../graphql/context.js';
import { ApprovalDecisionEnum } from '../../graphql/enums.js';
import { JSONScalar } from '../../graphql/scalars.js';
import { PrincipalType } from '../identity/principal.types.js';
import { RunType } from '../runs/run.types.js';
import { WorkflowType } from '../workflows/workflow.types.js';
import { decisionBlockedReason } from './approval.service.js';
import { ApprovalConnection, ApprovalFilterInput, ApprovalType } from './approval.types.js';

@Resolver(() => ApprovalType)
export class ApprovalResolver {
  @Query(() => ApprovalConnection, { description: 'The approvals inbox: newest first, pending by default. first ≤ 100.' })
  approvals(
    @Arg('filter', () => ApprovalFilterInput, { nullable: true }) filter: ApprovalFilterInput | null,
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: GraphQLContext,
  ): Promise<Connection<Approval>> {
    return ctx.services.approvals.list({ workflowKey: filter?.workflowKey ?? null, statuses: (filter?.statuses as ApprovalStatus[] | null) ?? null }, first, after);
  }

  @Query(() => ApprovalType, { description: 'One approval, decided or not (the inbox detail, links from a run); NOT_FOUND if there is none.' })
  approval(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<Approval> {
    return ctx.services.approvals.get(id);
  }

  @Mutation(() => ApprovalType, { description: 'approve, reject (reason required) or edit_and_approve (editedOutput and reason required). A second decision is CONFLICT.' })
  decideApproval(
    @Arg('approvalId', () => ID) approvalId: string,
    @Arg('decision', () => ApprovalDecisionEnum) decision: ApprovalDecision,
    @Arg('reason', () => String, { nullable: true }) reason: string | null,
    @Arg('editedOutput', () => JSONScalar, { nullable: true }) editedOutput: unknown,
    @Ctx() ctx: GraphQLContext,
  ): Promise<Approval> {
    return ctx.services.approvals.decide(principalOf(ctx), {
      approvalId,
      decision,
      reason,
      ...(editedOutput !== undefined && editedOutput !== null ? { editedOutput: editedOutput as never } : {}),
    });
  }

  @FieldResolver(() => RunType)
  run(@Root() a: Approval, @Ctx() ctx: GraphQLContext) {
    return ctx.services.runs.get(a.runId);
  }

  @FieldResolver(() => WorkflowType)
  workflow(@Root() a: Approval, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.workflow.load(a.workflowId);
  }

  @FieldResolver(() => PrincipalType, { nullable: true })
  requestedBy(@Root() a: Approval, @Ctx() ctx: GraphQLContext) {
    return a.requestedBy ? ctx.loaders.principal.load(a.requestedBy) : null;
  }

  @FieldResolver(() => PrincipalType, { nullable: true })
  decidedBy(@Root() a: Approval, @Ctx() ctx: GraphQLContext) {
    return a.decidedBy ? ctx.loaders.principal.load(a.decidedBy) : null;
  }

  @FieldResolver(() => String, { nullable: true, description: 'Why you cannot decide this approval, or null if you can.' })
  decisionBlockedReason(@Root() a: Approval, @Ctx() ctx: GraphQLContext): string | null {
    return decisionBlockedReason(a, principalOf(ctx));
  }
}
