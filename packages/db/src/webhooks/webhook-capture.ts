import { toWebhookEvent, type DomainEvent, type WebhookRunContext } from '@gatehouse/domain';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';

/** NOTIFY channel that wakes webhook dispatchers when deliveries are inserted. */
export const WEBHOOK_CHANNEL = 'gatehouse_webhooks';

export interface WebhookEventSource {
  event: DomainEvent;
  occurredAt: Date;
  /** The run the event concerns, when the caller has it (challenger runs emit nothing). */
  run?: WebhookRunContext | null;
}

/*
 * One statement, inside the caller's transaction: the events become deliveries for every
 * enabled subscription of their workflow that asked for their type, and commit (or roll back)
 * with the change that caused them. With no subscription it inserts nothing; with no event a
 * subscriber could want it is not even sent. The run join is the second wall against
 * challenger runs for callers that do not pass the run. The body's workflowKey comes from the
 * workflow row (keys never change). The NOTIFY fires only when something was inserted.
 */
const CAPTURE_SQL = `
  WITH e AS (
    SELECT * FROM jsonb_to_recordset($1::jsonb) AS e(id uuid, type text, workflow_id uuid, run_id uuid, occurred_at text, data jsonb)
  ), inserted AS (
    INSERT INTO webhook_deliveries (subscription_id, workflow_id, run_id, event_id, event_type, payload)
    SELECT s.id, s.workflow_id, e.run_id, e.id, e.type,
           jsonb_build_object('id', e.id, 'type', e.type, 'occurredAt', e.occurred_at, 'workflowKey', w.key, 'runId', e.run_id, 'data', e.data)
    FROM e
    JOIN webhook_subscriptions s ON s.workflow_id = e.workflow_id AND s.enabled AND e.type = ANY (s.event_types)
    JOIN workflows w ON w.id = s.workflow_id
    WHERE e.run_id IS NULL OR NOT EXISTS (SELECT 1 FROM runs r WHERE r.id = e.run_id AND r.champion_run_id IS NOT NULL)
    ON CONFLICT (subscription_id, event_id) DO NOTHING
    RETURNING 1
  )
  SELECT pg_notify('${WEBHOOK_CHANNEL}', '') FROM (SELECT 1 FROM inserted LIMIT 1) AS any_inserted`;

/**
 * Captures the public webhook events among `sources` (toWebhookEvent decides which) as
 * deliveries, in the caller's transaction. Returns how many events could concern a subscriber.
 */
export async function captureWebhookEvents(tx: EntityManager, sources: readonly WebhookEventSource[]): Promise<number> {
  const rows = [];
  for (const source of sources) {
    const event = toWebhookEvent(source.event, { id: randomUUID(), occurredAt: source.occurredAt, run: source.run ?? null });
    if (event) rows.push({ id: event.id, type: event.type, workflow_id: event.workflowId, run_id: event.runId, occurred_at: event.occurredAt, data: event.data });
  }
  if (rows.length === 0) return 0;
  await tx.query(CAPTURE_SQL, [JSON.stringify(rows)]);
  return rows.length;
}
