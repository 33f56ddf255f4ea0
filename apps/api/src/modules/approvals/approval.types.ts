import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { ConnectionType } from '../../graphql/connection.js';
import { ActionClassEnum, ApprovalDecisionEnum, ApprovalStatusEnum, WorkflowScopeEnum } from '../../graphql/enums.js';
import { JSONScalar } from '../../graphql/scalars.js';

@ObjectType('Approval', { description: 'A human gate on a step or action.' })
export class ApprovalType {
  @Field(() => ID) id: string;
  @Field(() => ID) runId: string;
  @Field(() => String) stepId: string;
  @Field(() => String, { nullable: true }) actionName: string | null;
  @Field(() => ActionClassEnum) actionClass: string;
  @Field(() => String) requiredRole: string;
  @Field(() => Int, { description: 'How many distinct approvers must approve (N of N-of-M): more than 1 only for irreversible actions whose policy sets approvalPolicy.irreversibleApprovals. The approval stays pending until then.' })
  requiredApprovals: number;
  @Field(() => ApprovalStatusEnum) status: string;
  @Field(() => ApprovalDecisionEnum, { nullable: true }) decision: string | null;
  @Field(() => JSONScalar, { nullable: true, description: 'The AI draft or the action arguments awaiting the decision; null only once purged by retention (payloadPurgedAt).' }) proposed: unknown;
  @Field(() => JSONScalar, { nullable: true }) edited: unknown;
  @Field(() => JSONScalar, { nullable: true, description: 'RFC 6902 JSON Patch from proposed to edited.' }) diff: unknown;
  @Field(() => String, { nullable: true }) reason: string | null;
  @Field(() => Date, { nullable: true }) dueAt: Date | null;
  @Field(() => Date) createdAt: Date;
  @Field(() => Date, { nullable: true }) decidedAt: Date | null;
  @Field(() => Date, { nullable: true, description: 'When retention purged this record\'s payload; null while kept.' }) payloadPurgedAt: Date | null;
}

@InputType('ApprovalFilter')
export class ApprovalFilterInput {
  @Field(() => String, { nullable: true }) workflowKey?: string | null;
  @Field(() => [ApprovalStatusEnum], { nullable: true, description: 'Defaults to [pending].' }) statuses?: string[] | null;
  @Field(() => WorkflowScopeEnum, { nullable: true, description: 'Defaults to assigned for reviewers (the workflows they act on), all for everyone else.' })
  workflowScope?: 'assigned' | 'all' | null;
}

@ObjectType('ApprovalDecisionRecord', { description: 'One person\'s decision on an approval. An edit starts a new round; only the current round counts towards requiredApprovals.' })
export class ApprovalDecisionRecordType {
  @Field(() => ID) id: string;
  @Field(() => Int) round: number;
  @Field(() => ApprovalDecisionEnum) decision: string;
  @Field(() => String, { nullable: true }) reason: string | null;
  @Field(() => JSONScalar, { nullable: true, description: 'The edited output (edit_and_approve only).' }) edited: unknown;
  @Field(() => Date) decidedAt: Date;
}

export const ApprovalConnection = ConnectionType('Approval', ApprovalType);
