import { assertManagesWebhookSubscription, DomainError, replayWebhookDelivery, type Actor, type WebhookDeliveryStatus } from '@gatehouse/domain';
import type { EntityManager } from 'typeorm';
import { recordEvents } from '../repositories/transaction.js';
import { WEBHOOK_CHANNEL } from './webhook-capture.js';

interface LockedDelivery {
  id: string;
  status: WebhookDeliveryStatus;
  attempts: number;
  series: number;
  subscription_id: string;
  workflow_id: string;
  event_id: string;
  created_by: string;
}

/**
 * Puts a finished delivery back in the queue as a new series of attempts (same delivery id,
 * same body, so receivers that processed it already can recognise it), audited, inside the
 * caller's transaction. Only whoever may manage the subscription may replay its deliveries.
 */
export async function requeueWebhookDelivery(tx: EntityManager, deliveryId: string, actor: Actor, now: Date): Promise<void> {
  const [row] = (await tx.query(
    `SELECT d.id::text AS id, d.status, d.attempts, d.series, d.subscription_id::text AS subscription_id, d.workflow_id::text AS workflow_id,
            d.event_id::text AS event_id, s.created_by::text AS created_by
       FROM webhook_deliveries d JOIN webhook_subscriptions s ON s.id = d.subscription_id
      WHERE d.id = $1
      FOR UPDATE OF d`,
    [deliveryId],
  )) as LockedDelivery[];
  if (!row) throw new DomainError('not_found', `No webhook delivery ${deliveryId}.`, { deliveryId });
  assertManagesWebhookSubscription(actor, { id: row.subscription_id, createdBy: row.created_by });
  const replayed = replayWebhookDelivery({ id: row.id, status: row.status, attempts: row.attempts, series: row.series, subscriptionId: row.subscription_id, workflowId: row.workflow_id, eventId: row.event_id }, now);
  await tx.query(
    `UPDATE webhook_deliveries SET status = $2, attempts = $3, series = $4, next_attempt_at = $5, claim_token = NULL, updated_at = now() WHERE id = $1`,
    [row.id, replayed.state.status, replayed.state.attempts, replayed.state.series, replayed.state.nextAttemptAt],
  );
  await recordEvents(tx, actor, replayed.events);
  await tx.query('SELECT pg_notify($1, $2)', [WEBHOOK_CHANNEL, '']);
}
