import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { ConnectionType } from '../../graphql/connection.js';
import { ActionClassEnum, ApprovalDecisionEnum, ApprovalStatusEnum } from '../../graphql/enums.js';
import { JSONScalar } from '../../graphql/scalars.js';

@ObjectType('Approval', { description: 'A human gate on a step or action.' })
export class ApprovalType {
  @Field(() => ID) id: string;
  @Field(() => ID) runId: string;
  @Field(() => String) stepId: string;
  @Field(() => String, { nullable: true }) actionName: string | null;
  @Field(() => ActionClassEnum) actionClass: string;
  @Field(() => String) requiredRole: string;
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
}

export const ApprovalConnection = ConnectionType('Approval', ApprovalType);
