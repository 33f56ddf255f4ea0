import { countedApprovers, type Approval, type ApprovalDecision, type ApprovalDecisionRecord, type ApprovalStatus } from '@gatehouse/domain';
import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { actingScope, listedWorkflowIds, principalOf } from '../../graphql/authorize.js';
import type { Connection } from '../../graphql/connection.js';
import type { GraphQLContext } from '../../graphql/context.js';
import { ApprovalDecisionEnum } from '../../graphql/enums.js';
import { JSONScalar } from '../../graphql/scalars.js';
import { PrincipalType } from '../identity/principal.types.js';
import { RunType } from '../runs/run.types.js';
import { WorkflowType } from '../workflows/workflow.types.js';
import { decisionBlockedReason } from './approval.service.js';
import { ApprovalConnection, ApprovalDecisionRecordType, ApprovalFilterInput, ApprovalType } from './approval.types.js';

@Resolver(() => ApprovalType)
export class ApprovalResolver {
  @Query(() => ApprovalConnection, { description: 'The approvals inbox: newest first, pending by default. first ≤ 100.' })
  async approvals(
    @Arg('filter', () => ApprovalFilterInput, { nullable: true }) filter: ApprovalFilterInput | null,
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: GraphQLContext,
  ): Promise<Connection<Approval>> {
    const workflowIds = await listedWorkflowIds(ctx, filter?.workflowScope);
    return ctx.services.approvals.list({ workflowKey: filter?.workflowKey ?? null, workflowIds, statuses: (filter?.statuses as ApprovalStatus[] | null) ?? null }, first, after);
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

  @FieldResolver(() => [ApprovalDecisionRecordType], { description: 'Every decision so far, oldest first (several with N-of-M).' })
  decisions(@Root() a: Approval, @Ctx() ctx: GraphQLContext): Promise<ApprovalDecisionRecord[]> {
    return ctx.services.approvals.decisions(a.id);
  }

  @FieldResolver(() => Int, { description: 'Distinct approvals counted so far towards requiredApprovals (the current round).' })
  async approvalCount(@Root() a: Approval, @Ctx() ctx: GraphQLContext): Promise<number> {
    return countedApprovers(await ctx.services.approvals.decisions(a.id)).length;
  }

  @FieldResolver(() => String, { nullable: true, description: 'Why you cannot decide this approval (decided, you requested it, role, already approved, not assigned to its workflow), or null if you can.' })
  async decisionBlockedReason(@Root() a: Approval, @Ctx() ctx: GraphQLContext): Promise<string | null> {
    const principal = principalOf(ctx);
    const scope = actingScope(ctx);
    const assigned = scope ? (await scope).has(a.workflowId) : true;
    // Earlier decisions matter only while an N-of-M approval is collecting them.
    const decisions = a.status === 'pending' && a.requiredApprovals > 1 ? await ctx.services.approvals.decisions(a.id) : [];
    const workflow = assigned ? { id: a.workflowId, key: '' } : { id: a.workflowId, key: (await ctx.loaders.workflow.load(a.workflowId))?.key ?? a.workflowId };
    return decisionBlockedReason(a, principal, workflow, assigned, decisions);
  }
}

@Resolver(() => ApprovalDecisionRecordType)
export class ApprovalDecisionRecordResolver {
  @FieldResolver(() => PrincipalType, { nullable: true })
  decidedBy(@Root() d: ApprovalDecisionRecord, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.principal.load(d.decidedBy);
  }
}
