import { EXCEPTION_DUE_SOON_MINUTES, EXCEPTION_QUEUE_ORDERS, EXCEPTION_SLA_STATES } from '@gatehouse/domain';
import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ConnectionType } from '../../graphql/connection.js';
import { AssigneeFilterEnum, ExceptionReasonEnum, ExceptionResolutionEnum, ExceptionStatusEnum, WorkflowScopeEnum } from '../../graphql/enums.js';
import { JSONScalar } from '../../graphql/scalars.js';

/** Enum objects built from the domain's value lists, so the queue's vocabulary lives in one place. */
function enumOf<T extends string>(values: readonly T[], name: string, description: string): Record<T, T> {
  const object = Object.fromEntries(values.map((v) => [v, v])) as Record<T, T>;
  registerEnumType(object, { name, description });
  return object;
}

const SLA_STATE_DESCRIPTION =
  `Where an unresolved exception stands against its SLA due time, measured at the time of the request: ` +
  `overdue (the due time has passed), due_soon (due within the next ${EXCEPTION_DUE_SOON_MINUTES} minutes), ` +
  `on_track (more than ${EXCEPTION_DUE_SOON_MINUTES} minutes left) or no_sla (the workflow sets no exception SLA).`;

export const ExceptionSlaStateEnum = enumOf(EXCEPTION_SLA_STATES, 'ExceptionSlaState', SLA_STATE_DESCRIPTION);
export const ExceptionQueueOrderEnum = enumOf(
  EXCEPTION_QUEUE_ORDERS,
  'ExceptionQueueOrder',
  'How the exception queue is sorted: oldest first (the default), newest first, or due soonest (items without an SLA last).',
);

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
  @Field(() => Date, { nullable: true, description: 'When retention purged this record\'s payload; null while kept.' }) payloadPurgedAt: Date | null;
}

@InputType('ExceptionFilter')
export class ExceptionFilterInput {
  @Field(() => String, { nullable: true }) workflowKey?: string | null;
  @Field(() => [ExceptionReasonEnum], { nullable: true }) reasons?: string[] | null;
  @Field(() => [ExceptionStatusEnum], { nullable: true, description: 'Defaults to [open, claimed].' }) statuses?: string[] | null;
  @Field(() => AssigneeFilterEnum, { nullable: true, description: 'Defaults to any.' }) assignee?: string | null;
  @Field(() => Int, { nullable: true, description: 'Only items that have waited at least this many minutes since they opened (0 to 525600).' })
  minAgeMinutes?: number | null;
  @Field(() => [ExceptionSlaStateEnum], { nullable: true, description: `Only items in one of these SLA states. ${SLA_STATE_DESCRIPTION}` })
  slaStates?: string[] | null;
  @Field(() => WorkflowScopeEnum, { nullable: true, description: 'Defaults to assigned for reviewers (the workflows they act on), all for everyone else.' })
  workflowScope?: 'assigned' | 'all' | null;
}

export const ExceptionConnection = ConnectionType('ExceptionItem', ExceptionItemType);
