import { WEBHOOK_DELIVERY_STATUSES } from '@gatehouse/domain';
import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ConnectionType } from '../../graphql/connection.js';
import { JSONObjectScalar } from '../../graphql/scalars.js';

const statuses = Object.fromEntries(WEBHOOK_DELIVERY_STATUSES.map((s) => [s, s])) as Record<(typeof WEBHOOK_DELIVERY_STATUSES)[number], string>;
registerEnumType(statuses, { name: 'WebhookDeliveryStatus', description: 'pending: queued or being retried; succeeded: a 2xx answer; failed: every attempt failed (replay to try again).' });

@ObjectType('WebhookSubscription', { description: 'An endpoint receiving one workflow’s events (docs/webhooks.md). The signing secret is shown only when created or rotated.' })
export class WebhookSubscriptionType {
  @Field(() => ID) id: string;
  @Field(() => ID) workflowId: string;
  @Field(() => String) url: string;
  @Field(() => [String], { description: 'run.completed, run.failed, approval.requested, approval.decided, exception.created, exception.resolved, cost.drift' }) eventTypes: string[];
  @Field(() => String) description: string;
  @Field(() => Boolean, { description: 'A disabled subscription captures no new events; its pending deliveries wait until it is enabled again.' }) enabled: boolean;
  @Field(() => ID, { description: 'The principal that registered it (integrators manage only their own).' }) createdBy: string;
  @Field(() => Date) createdAt: Date;
  @Field(() => Date) updatedAt: Date;
  @Field(() => Date, { nullable: true }) secretRotatedAt: Date | null;
}

@ObjectType('WebhookSubscriptionWithSecret', { description: 'A subscription with its signing secret: returned once, by create and rotate; store it now.' })
export class WebhookSubscriptionWithSecretType {
  @Field(() => WebhookSubscriptionType) subscription: WebhookSubscriptionType;
  @Field(() => String, { description: 'HMAC-SHA256 key of X-Gatehouse-Signature. Not shown again.' }) secret: string;
}

@ObjectType('WebhookDeliveryAttempt', { description: 'One attempt to deliver, with the receiver’s answer.' })
export class WebhookDeliveryAttemptType {
  @Field(() => Int, { description: '1 for the first series; each replay starts a new one.' }) series: number;
  @Field(() => Int) attempt: number;
  @Field(() => Date) startedAt: Date;
  @Field(() => Date, { nullable: true }) finishedAt: Date | null;
  @Field(() => Int, { nullable: true, description: 'HTTP status; null when there was no answer (timeout, network error).' }) responseStatus: number | null;
  @Field(() => String, { nullable: true, description: 'The first 1,024 bytes of the answer.' }) responseBody: string | null;
  @Field(() => Int, { nullable: true }) latencyMs: number | null;
  @Field(() => String, { nullable: true }) error: string | null;
}

@ObjectType('WebhookDelivery', { description: 'One event for one subscription, delivered at least once.' })
export class WebhookDeliveryType {
  @Field(() => ID, { description: 'Sent as X-Gatehouse-Delivery; stable across retries and replays (de-duplicate on it).' }) id: string;
  @Field(() => ID) subscriptionId: string;
  @Field(() => ID) eventId: string;
  @Field(() => String) eventType: string;
  @Field(() => ID, { nullable: true }) runId: string | null;
  @Field(() => JSONObjectScalar, { description: 'The body sent: {id, type, occurredAt, workflowKey, runId, data}.' }) payload: Record<string, unknown>;
  @Field(() => statuses) status: string;
  @Field(() => Int) series: number;
  @Field(() => Int, { description: 'Attempts in the current series.' }) attempts: number;
  @Field(() => Date, { nullable: true, description: 'When a pending delivery is (re)tried next.' }) nextAttemptAt: Date | null;
  @Field(() => Int, { nullable: true }) lastResponseStatus: number | null;
  @Field(() => String, { nullable: true }) lastError: string | null;
  @Field(() => Date) createdAt: Date;
  @Field(() => Date) updatedAt: Date;
  @Field(() => [WebhookDeliveryAttemptType], { description: 'Every attempt, oldest first.' }) attemptLog: WebhookDeliveryAttemptType[];
}

export const WebhookDeliveryConnection = ConnectionType('WebhookDelivery', WebhookDeliveryType);

@InputType('UpdateWebhookSubscriptionInput', { description: 'What to change; unset fields stay as they are.' })
export class UpdateWebhookSubscriptionInput {
  @Field(() => Boolean, { nullable: true }) enabled?: boolean | null;
  @Field(() => [String], { nullable: true }) eventTypes?: string[] | null;
  @Field(() => String, { nullable: true }) url?: string | null;
  @Field(() => String, { nullable: true }) description?: string | null;
}
