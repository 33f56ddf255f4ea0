import { checkPublishReadiness, type Workflow, type WorkflowHealth, type WorkflowVersion } from '@gatehouse/domain';
import { Arg, Ctx, FieldResolver, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { principalOf } from '../../graphql/authorize.js';
import type { GraphQLContext } from '../../graphql/context.js';
import { RolloutStageEnum } from '../../graphql/enums.js';
import { JSONObjectScalar } from '../../graphql/scalars.js';
import { PrincipalType } from '../identity/principal.types.js';
import { WorkflowHealthService } from './workflow-health.service.js';
import { WorkflowHealthType } from './workflow-health.types.js';
import {
  CreateWorkflowInput,
  PublishReadinessType,
  UpdateWorkflowInput,
  WorkflowType,
  WorkflowVersionType,
} from './workflow.types.js';

@Resolver(() => WorkflowType)
export class WorkflowResolver {
  @Query(() => [WorkflowType], { description: 'Every workflow, by key.' })
  workflows(@Ctx() ctx: GraphQLContext): Promise<Workflow[]> {
    return ctx.services.workflows.list();
  }

  @Query(() => WorkflowType, { description: 'One workflow by key; NOT_FOUND if there is none.' })
  workflow(@Arg('key', () => String) key: string, @Ctx() ctx: GraphQLContext): Promise<Workflow> {
    return ctx.services.workflows.get(key);
  }

  @Mutation(() => WorkflowType)
  createWorkflow(@Arg('input', () => CreateWorkflowInput) input: CreateWorkflowInput, @Ctx() ctx: GraphQLContext): Promise<Workflow> {
    return ctx.services.workflows.create(principalOf(ctx), input);
  }

  @Mutation(() => WorkflowType, { description: 'Change name, description, outcome or owners (audited).' })
  updateWorkflow(
    @Arg('key', () => String) key: string,
    @Arg('input', () => UpdateWorkflowInput) input: UpdateWorkflowInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<Workflow> {
    return ctx.services.workflows.update(principalOf(ctx), key, input);
  }

  @Mutation(() => WorkflowType, { description: 'Assign a reviewer (id or email) to the workflow: reviewers act only on workflows they are assigned to. Admin or owner; audited. Assigning twice is CONFLICT; only reviewers can be assigned.' })
  assignReviewer(@Arg('workflowKey', () => String) workflowKey: string, @Arg('principal', () => String) principal: string, @Ctx() ctx: GraphQLContext): Promise<Workflow> {
    return ctx.services.workflows.assignReviewer(principalOf(ctx), workflowKey, principal);
  }

  @Mutation(() => WorkflowType, { description: 'Remove a reviewer (id or email) from the workflow; NOT_FOUND if not assigned. Admin or owner; audited.' })
  unassignReviewer(@Arg('workflowKey', () => String) workflowKey: string, @Arg('principal', () => String) principal: string, @Ctx() ctx: GraphQLContext): Promise<Workflow> {
    return ctx.services.workflows.unassignReviewer(principalOf(ctx), workflowKey, principal);
  }

  @FieldResolver(() => [PrincipalType], { description: 'The reviewers assigned to this workflow; only they (and owners, admins) act on its approvals, exceptions and runs.' })
  async reviewers(@Root() w: Workflow, @Ctx() ctx: GraphQLContext) {
    const ids = await ctx.services.workflows.reviewerIds(w.id);
    return (await ctx.loaders.principal.loadMany(ids)).filter((p) => p !== null && !(p instanceof Error));
  }

  @Mutation(() => WorkflowVersionType, { description: 'Create the next version from a definition and propose it for approval.' })
  proposeWorkflowVersion(
    @Arg('workflowKey', () => String) workflowKey: string,
    @Arg('definition', () => JSONObjectScalar) definition: Record<string, unknown>,
    @Arg('changeNote', () => String, { nullable: true }) changeNote: string | null,
    @Arg('runbook', () => String, { nullable: true, description: 'The reviewers\' runbook as Markdown (≤ 100 kB), versioned with the definition: ## Overview, ## Contacts, ## Exception: <reason> per raisable reason; optional ## Approvals and ## Approval: <stepId>. See docs/runbooks.md.' }) runbook: string | null,
    @Ctx() ctx: GraphQLContext,
  ): Promise<WorkflowVersion> {
    return ctx.services.workflows.propose(principalOf(ctx), workflowKey, definition, changeNote, runbook);
  }

  @Mutation(() => WorkflowVersionType, { description: "By the workflow's change approver (or an admin), never the version's author." })
  approveWorkflowVersion(
    @Arg('workflowKey', () => String) workflowKey: string,
    @Arg('version', () => Int) version: number,
    @Arg('note', () => String, { nullable: true }) note: string | null,
    @Ctx() ctx: GraphQLContext,
  ): Promise<WorkflowVersion> {
    return ctx.services.workflows.approve(principalOf(ctx), workflowKey, version, note);
  }

  @Mutation(() => WorkflowVersionType)
  rejectWorkflowVersion(
    @Arg('workflowKey', () => String) workflowKey: string,
    @Arg('version', () => Int) version: number,
    @Arg('reason', () => String) reason: string,
    @Ctx() ctx: GraphQLContext,
  ): Promise<WorkflowVersion> {
    return ctx.services.workflows.reject(principalOf(ctx), workflowKey, version, reason);
  }

  @Mutation(() => WorkflowType, {
    description:
      "Publish an approved version; refused (PRECONDITION_FAILED) while any clarity item is missing. Publishing the attached challenger is the switch to it: refused (PRECONDITION_FAILED, reason agreement_below_threshold, with the figures) while its measured agreement is below the workflow's threshold.",
  })
  publishWorkflowVersion(
    @Arg('workflowKey', () => String) workflowKey: string,
    @Arg('version', () => Int) version: number,
    @Arg('overrideReason', () => String, { nullable: true, description: "Admin only: switch to the challenger although its agreement is below the threshold; audited with this reason and the figures." }) overrideReason: string | null,
    @Ctx() ctx: GraphQLContext,
  ): Promise<Workflow> {
    return ctx.services.workflows.publish(principalOf(ctx), workflowKey, version, overrideReason);
  }

  @Mutation(() => WorkflowType, { description: 'Republish an earlier published version (default: the previous one).' })
  rollbackWorkflow(
    @Arg('workflowKey', () => String) workflowKey: string,
    @Arg('reason', () => String) reason: string,
    @Arg('toVersion', () => Int, { nullable: true }) toVersion: number | null,
    @Ctx() ctx: GraphQLContext,
  ): Promise<Workflow> {
    return ctx.services.workflows.rollback(principalOf(ctx), workflowKey, toVersion, reason);
  }

  @Mutation(() => WorkflowType, {
    description:
      'Promote one stage at a time (shadow → draft → execute) or demote. A promotion is refused (PRECONDITION_FAILED, with the numbers) until shadow agreement, the change approver\'s sign-off and, for execute, a passing readiness assessment are in place; see Workflow.promotionReadiness.',
  })
  setRolloutStage(
    @Arg('workflowKey', () => String) workflowKey: string,
    @Arg('stage', () => RolloutStageEnum) stage: 'shadow' | 'draft' | 'execute',
    @Arg('reason', () => String) reason: string,
    @Arg('override', () => Boolean, { nullable: true, description: 'Admin only: promote although the gate refuses; audited with the reason and the failed checks.' }) override: boolean | null,
    @Ctx() ctx: GraphQLContext,
  ): Promise<Workflow> {
    return ctx.services.workflows.setStage(principalOf(ctx), workflowKey, stage, reason, override ?? false);
  }

  @Mutation(() => WorkflowType, { description: 'The kill switch.' })
  pauseWorkflow(@Arg('workflowKey', () => String) workflowKey: string, @Arg('reason', () => String) reason: string, @Ctx() ctx: GraphQLContext): Promise<Workflow> {
    return ctx.services.workflows.pause(principalOf(ctx), workflowKey, reason);
  }

  @Mutation(() => WorkflowType)
  resumeWorkflow(
    @Arg('workflowKey', () => String) workflowKey: string,
    @Arg('reason', () => String, { nullable: true }) reason: string | null,
    @Ctx() ctx: GraphQLContext,
  ): Promise<Workflow> {
    return ctx.services.workflows.resume(principalOf(ctx), workflowKey, reason);
  }

  @FieldResolver(() => PrincipalType, { nullable: true })
  operationalOwner(@Root() w: Workflow, @Ctx() ctx: GraphQLContext) {
    return w.owners.operationalOwnerId ? ctx.loaders.principal.load(w.owners.operationalOwnerId) : null;
  }

  @FieldResolver(() => PrincipalType, { nullable: true })
  changeApprover(@Root() w: Workflow, @Ctx() ctx: GraphQLContext) {
    return w.owners.changeApproverId ? ctx.loaders.principal.load(w.owners.changeApproverId) : null;
  }

  @FieldResolver(() => PrincipalType, { nullable: true })
  failureReviewer(@Root() w: Workflow, @Ctx() ctx: GraphQLContext) {
    return w.owners.failureReviewerId ? ctx.loaders.principal.load(w.owners.failureReviewerId) : null;
  }

  @FieldResolver(() => WorkflowVersionType, { nullable: true })
  publishedVersion(@Root() w: Workflow, @Ctx() ctx: GraphQLContext) {
    return w.publishedVersionId ? ctx.loaders.version.load(w.publishedVersionId) : null;
  }

  @FieldResolver(() => WorkflowHealthType, {
    description:
      'Health now, with the signals behind it: paused > critical (SLA breached now, or ≥ 20% of ≥ 5 finished runs of the last 24 h failed) > attention (exceptions waiting, open cost alert, a failed run) > healthy.',
  })
  health(@Root() w: Workflow, @Ctx() ctx: GraphQLContext): Promise<WorkflowHealth> {
    return new WorkflowHealthService(ctx.dataSource).health(w);
  }

  @FieldResolver(() => [WorkflowVersionType], { description: 'Newest first.' })
  versions(@Root() w: Workflow, @Ctx() ctx: GraphQLContext): Promise<WorkflowVersion[]> {
    return ctx.services.workflows.versions(w.id);
  }
}

@Resolver(() => WorkflowVersionType)
export class WorkflowVersionResolver {
  @FieldResolver(() => PrincipalType)
  author(@Root() v: WorkflowVersion, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.principal.load(v.authorId);
  }

  @FieldResolver(() => PrincipalType, { nullable: true })
  approvedBy(@Root() v: WorkflowVersion, @Ctx() ctx: GraphQLContext) {
    return v.approvedBy ? ctx.loaders.principal.load(v.approvedBy) : null;
  }

  @FieldResolver(() => PrincipalType, { nullable: true })
  publishedBy(@Root() v: WorkflowVersion, @Ctx() ctx: GraphQLContext) {
    return v.publishedBy ? ctx.loaders.principal.load(v.publishedBy) : null;
  }

  @FieldResolver(() => PublishReadinessType, { description: 'What still blocks publishing this version, all at once.' })
  async publishReadiness(@Root() v: WorkflowVersion, @Ctx() ctx: GraphQLContext): Promise<PublishReadinessType> {
    const workflow = await ctx.loaders.workflow.load(v.workflowId);
    const missing = workflow ? checkPublishReadiness(workflow, v.definition, v.authorId) : [];
    return { ready: missing.length === 0, missing };
  }
}
