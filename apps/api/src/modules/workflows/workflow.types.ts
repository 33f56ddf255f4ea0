import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { ConnectionType } from '../../graphql/connection.js';
import { ClarityPointEnum, RolloutStageEnum, VersionStatusEnum } from '../../graphql/enums.js';
import { JSONObjectScalar } from '../../graphql/scalars.js';

@ObjectType('Outcome', { description: 'The operational outcome a workflow exists to improve.' })
export class OutcomeType {
  @Field(() => String)
  statement: string;

  @Field(() => String, { description: 'e.g. "median cycle time under 4h"' })
  targetMetric: string;
}

@InputType('OutcomeInput')
export class OutcomeInput {
  @Field(() => String)
  statement: string;

  @Field(() => String)
  targetMetric: string;
}

@InputType('OwnersInput', { description: 'Principals by id or email. null clears a role.' })
export class OwnersInput {
  @Field(() => String, { nullable: true })
  operationalOwner?: string | null;

  @Field(() => String, { nullable: true, description: 'Approves changes; never the author of a change.' })
  changeApprover?: string | null;

  @Field(() => String, { nullable: true })
  failureReviewer?: string | null;
}

@InputType('UpdateWorkflowInput', { description: 'Only the fields given change.' })
export class UpdateWorkflowInput {
  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => OutcomeInput, { nullable: true })
  outcome?: OutcomeInput | null;

  @Field(() => OwnersInput, { nullable: true })
  owners?: OwnersInput | null;
}

/** Creation takes the same fields as an update, plus the permanent key and a required name. */
@InputType('CreateWorkflowInput')
export class CreateWorkflowInput extends UpdateWorkflowInput {
  @Field(() => String, { description: 'Stable identifier: 2–63 lowercase letters, digits or hyphens.' })
  key: string;

  @Field(() => String)
  declare name: string;
}

@ObjectType('MissingItem', { description: 'One gap that blocks publishing.' })
export class MissingItemType {
  @Field(() => ClarityPointEnum)
  point: string;

  @Field(() => String)
  item: string;

  @Field(() => String)
  message: string;
}

@ObjectType('PublishReadiness')
export class PublishReadinessType {
  @Field(() => Boolean)
  ready: boolean;

  @Field(() => [MissingItemType])
  missing: MissingItemType[];
}

@ObjectType('WorkflowVersion', { description: 'An immutable definition; draft → proposed → approved → published.' })
export class WorkflowVersionType {
  @Field(() => ID)
  id: string;

  @Field(() => Int)
  version: number;

  @Field(() => VersionStatusEnum)
  status: string;

  @Field(() => JSONObjectScalar)
  definition: Record<string, unknown>;

  @Field(() => String)
  changeNote: string;

  @Field(() => Date, { nullable: true })
  approvedAt: Date | null;

  @Field(() => Date, { nullable: true })
  rejectedAt: Date | null;

  @Field(() => String, { nullable: true })
  rejectionReason: string | null;

  @Field(() => Date, { nullable: true })
  publishedAt: Date | null;

  @Field(() => Date)
  createdAt: Date;
}

@ObjectType('Workflow', { description: 'A workflow with a defined boundary, named owners and a rollout stage.' })
export class WorkflowType {
  @Field(() => ID)
  id: string;

  @Field(() => String)
  key: string;

  @Field(() => String)
  name: string;

  @Field(() => String)
  description: string;

  @Field(() => OutcomeType, { nullable: true })
  outcome: OutcomeType | null;

  @Field(() => RolloutStageEnum)
  rolloutStage: string;

  @Field(() => Boolean, { description: 'The kill switch: no new step starts while paused.' })
  paused: boolean;

  @Field(() => String, { nullable: true })
  pausedReason: string | null;

  @Field(() => Date)
  createdAt: Date;

  @Field(() => Date)
  updatedAt: Date;
}

export const WorkflowConnection = ConnectionType('Workflow', WorkflowType);
