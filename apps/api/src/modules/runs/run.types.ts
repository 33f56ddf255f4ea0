import { Field, Float, ID, InputType, Int, ObjectType } from 'type-graphql';
import { ConnectionType } from '../../graphql/connection.js';
import { RolloutStageEnum, RunStatusEnum } from '../../graphql/enums.js';
import { JSONScalar } from '../../graphql/scalars.js';

@ObjectType('RedactionCount')
export class RedactionCountType {
  @Field(() => String, { description: 'email, card, national_id or phone.' }) detector: string;
  @Field(() => Int) count: number;
}

@ObjectType('Redactions', { description: 'What was replaced in a step attempt\'s stored trace before it was written (docs/security.md).' })
export class RedactionsType {
  @Field(() => Int, { description: 'Values replaced, in all.' }) total: number;
  @Field(() => [String], { description: 'The workflow\'s privacy.redactPaths that matched.' }) paths: string[];
  @Field(() => [RedactionCountType], { description: 'Values replaced per detector.' }) detectors: RedactionCountType[];
  @Field(() => [String], { description: 'Where, as JSON Pointers into the attempt (e.g. "/input/card/number"); at most 50.' }) locations: string[];
}

@ObjectType('StepAttempt', { description: 'One try at one step: the unit of the trace.' })
export class StepAttemptType {
  @Field(() => ID) id: string;
  @Field(() => String) stepId: string;
  @Field(() => String, { nullable: true, description: 'rules, agent, validate, action, approval or route.' }) stepKind: string | null;
  @Field(() => Int) attempt: number;
  @Field(() => String, { description: 'succeeded, failed, gated (waiting for a person) or running.' }) status: string;
  @Field(() => JSONScalar, { nullable: true }) input: unknown;
  @Field(() => JSONScalar, { nullable: true }) output: unknown;
  @Field(() => String, { nullable: true, description: 'For actions: the Idempotency-Key the receiver got; the same across redeliveries and automatic retries.' }) effectKey: string | null;
  @Field(() => String, { nullable: true }) provider: string | null;
  @Field(() => String, { nullable: true }) model: string | null;
  @Field(() => String, { nullable: true }) promptVersion: string | null;
  @Field(() => Int, { nullable: true }) tokensIn: number | null;
  @Field(() => Int, { nullable: true }) tokensOut: number | null;
  @Field(() => Float, { nullable: true }) costUsd: number | null;
  @Field(() => Int, { nullable: true }) latencyMs: number | null;
  @Field(() => Float, { nullable: true }) confidence: number | null;
  @Field(() => JSONScalar, { nullable: true }) validation: unknown;
  @Field(() => JSONScalar, { nullable: true }) error: unknown;
  @Field(() => Date) startedAt: Date;
  @Field(() => Date, { nullable: true }) finishedAt: Date | null;
  @Field(() => RedactionsType, { nullable: true, description: 'What redaction replaced in input, output, validation and error; null for attempts stored before redaction existed.' }) redactions: unknown;
  @Field(() => Date, { nullable: true, description: 'When retention purged input, output, validation and error (they are null since); null while kept.' }) payloadPurgedAt: Date | null;
}

@ObjectType('ShadowOutcome', { description: 'What the human did, compared with what the AI produced.' })
export class ShadowOutcomeType {
  @Field(() => ID) runId: string;
  @Field(() => JSONScalar, { nullable: true, description: 'null only once purged by retention (payloadPurgedAt).' }) humanOutcome: unknown;
  @Field(() => JSONScalar, { nullable: true }) aiOutcome: unknown;
  @Field(() => Boolean, { nullable: true, description: 'null while the AI has produced nothing to compare.' }) agreed: boolean | null;
  @Field(() => Date) recordedAt: Date;
  @Field(() => Date, { nullable: true, description: 'When retention purged this record\'s payload; null while kept.' }) payloadPurgedAt: Date | null;
}

@ObjectType('Run', { description: 'One execution of a published workflow version for one input.' })
export class RunType {
  @Field(() => ID) id: string;
  @Field(() => RolloutStageEnum, { description: 'Captured at start; later promotions do not change it.' }) mode: string;
  @Field(() => RunStatusEnum) status: string;
  @Field(() => JSONScalar, { nullable: true, description: 'null only once purged by retention (see payloadPurgedAt).' }) input: unknown;
  @Field(() => String) idempotencyKey: string;
  @Field(() => String, { nullable: true }) externalRef: string | null;
  @Field(() => String, { nullable: true }) currentStepId: string | null;
  @Field(() => JSONScalar, { nullable: true }) output: unknown;
  @Field(() => JSONScalar, { nullable: true }) error: unknown;
  @Field(() => String, { nullable: true }) cancelReason: string | null;
  @Field(() => Int, { description: 'How often the run was re-opened after completing (counted as rework).' }) reopenCount: number;
  @Field(() => Date, { nullable: true, description: 'When it was last re-opened.' }) reopenedAt: Date | null;
  @Field(() => Date) createdAt: Date;
  @Field(() => Date, { nullable: true }) startedAt: Date | null;
  @Field(() => Date, { nullable: true }) finishedAt: Date | null;
  @Field(() => Date) updatedAt: Date;
  @Field(() => ID, { nullable: true, description: 'Set on a challenger run: the live run it shadows (champion / challenger). A challenger run always runs in shadow; its actions never execute.' }) championRunId: string | null;
  @Field(() => Date, { nullable: true, description: 'When retention purged the run\'s payloads (input, output, step traces, approval proposals, exception details); null while kept.' }) payloadPurgedAt: Date | null;
}

@ObjectType('StartRunPayload')
export class StartRunPayload {
  @Field(() => RunType) run: unknown;
  @Field(() => Boolean, { description: 'true when this idempotency key had already started this run.' }) replayed: boolean;
}

@InputType('RunFilter')
export class RunFilterInput {
  @Field(() => String, { nullable: true }) workflowKey?: string | null;
  @Field(() => [RunStatusEnum], { nullable: true }) statuses?: string[] | null;
  @Field(() => String, { nullable: true }) externalRef?: string | null;
  @Field(() => Date, { nullable: true }) createdAfter?: Date | null;
  @Field(() => Date, { nullable: true }) createdBefore?: Date | null;
  @Field(() => Boolean, { nullable: true, description: 'true: only challenger runs (which shadow live runs); otherwise, the default, only live runs.' }) challengerRuns?: boolean | null;
}

export const RunConnection = ConnectionType('Run', RunType);
