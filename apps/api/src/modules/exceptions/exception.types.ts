import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { ConnectionType } from '../../graphql/connection.js';
import { AssigneeFilterEnum, ExceptionReasonEnum, ExceptionResolutionEnum, ExceptionStatusEnum } from '../../graphql/enums.js';
import { JSONScalar } from '../../graphql/scalars.js';

@ObjectType('ExceptionItem', { description: 'A run that left the straight-through path and needs a person.' })
export class ExceptionItemType {
  @Field(() => ID) id: string;
  @Field(() => ID) runId: string;
  @Field(() => String) stepId: string;
  @Field(() => ExceptionReasonEnum) reason: string;
  @Field(() => ExceptionStatusEnum) status: string;
  @Field(() => JSONScalar) details: unknown;
  @Field(() => Date, { nullable: true }) claimedAt: Date | null;
  @Field(() => Date, { nullable: true }) dueAt: Date | null;
  @Field(() => ExceptionResolutionEnum, { nullable: true }) resolution: string | null;
  @Field(() => String, { nullable: true }) resolutionNote: string | null;
  @Field(() => JSONScalar, { nullable: true }) resolutionOutput: unknown;
  @Field(() => String, { nullable: true }) handOffTo: string | null;
  @Field(() => Date, { nullable: true }) resolvedAt: Date | null;
  @Field(() => Date) createdAt: Date;
}

@InputType('ExceptionFilter')
export class ExceptionFilterInput {
  @Field(() => String, { nullable: true }) workflowKey?: string | null;
  @Field(() => [ExceptionReasonEnum], { nullable: true }) reasons?: string[] | null;
  @Field(() => [ExceptionStatusEnum], { nullable: true, description: 'Defaults to [open, claimed].' }) statuses?: string[] | null;
  @Field(() => AssigneeFilterEnum, { nullable: true, description: 'Defaults to any.' }) assignee?: string | null;
}

export const ExceptionConnection = ConnectionType('ExceptionItem', ExceptionItemType);
