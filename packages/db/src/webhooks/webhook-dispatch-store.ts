import { afterWebhookAttempt, claimWebhookDelivery, type WebhookRetryPolicy } from '@gatehouse/domain';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { inTransaction } from '../repositories/transaction.js';

/** A delivery a dispatcher holds for one attempt, until its lease (next_attempt_at) runs out. */
export interface ClaimedWebhookDelivery {
  id: string;
  claimToken: string;
  series: number;
  attempt: number;
  eventType: string;
  payload: Record<string, unknown>;
  url: string;
  secret: string;
}

export interface WebhookAttemptResult {
  ok: boolean;
  responseStatus: number | null;
  /** Bounded excerpt of the receiver's answer. */
  responseBody: string | null;
  latencyMs: number;
  error: string | null;
}

export const INTERRUPTED_ATTEMPT_ERROR = 'interrupted: the dispatcher stopped before the receiver answered; the delivery was claimed again';

interface DueRow {
  id: string;
  attempts: number;
  series: number;
  event_type: string;
  payload: Record<string, unknown>;
  url: string;
  secret: string;
}

/**
 * Claims up to `limit` due deliveries of enabled subscriptions with FOR UPDATE SKIP LOCKED, so
 * dispatchers in several runners share the work without waiting on each other. A claim pushes
 * next_attempt_at `leaseMs` ahead: no other dispatcher sees the row as due while this one
 * sends, and if this one dies the row is due again once the lease ends — nothing is lost. An
 * attempt an earlier claimer left unfinished is closed as interrupted. The attempt rows are
 * written now, so an attempt cut short still shows.
 */
export function claimDueWebhookDeliveries(ds: DataSource, options: { limit: number; leaseMs: number; policy: WebhookRetryPolicy }): Promise<ClaimedWebhookDelivery[]> {
  return inTransaction(ds, async (tx) => {
    const due = (await tx.query(
      `SELECT d.id::text AS id, d.attempts, d.series, d.event_type, d.payload, s.url, s.secret
         FROM webhook_deliveries d JOIN webhook_subscriptions s ON s.id = d.subscription_id
        WHERE d.status = 'pending' AND d.next_attempt_at <= now() AND s.enabled
        ORDER BY d.next_attempt_at
        LIMIT $1
        FOR UPDATE OF d SKIP LOCKED`,
      [options.limit],
    )) as DueRow[];
    if (due.length === 0) return [];
    const ids = due.map((d) => d.id);
    await tx.query(`UPDATE webhook_delivery_attempts SET finished_at = now(), error = $2 WHERE delivery_id = ANY($1::uuid[]) AND finished_at IS NULL`, [ids, INTERRUPTED_ATTEMPT_ERROR]);

    const claimToken = randomUUID();
    const send: ClaimedWebhookDelivery[] = [];
    const exhausted: string[] = [];
    for (const row of due) {
      const decision = claimWebhookDelivery({ id: row.id, status: 'pending', attempts: row.attempts, series: row.series }, options.policy);
      if (decision.send) send.push({ id: row.id, claimToken, series: row.series, attempt: decision.attempt, eventType: row.event_type, payload: row.payload, url: row.url, secret: row.secret });
      else exhausted.push(row.id);
    }
    if (exhausted.length > 0) {
      await tx.query(`UPDATE webhook_deliveries SET status = 'failed', claim_token = NULL, last_error = $2, updated_at = now() WHERE id = ANY($1::uuid[])`, [exhausted, INTERRUPTED_ATTEMPT_ERROR]);
    }
    if (send.length > 0) {
      await tx.query(
        `UPDATE webhook_deliveries d SET attempts = v.attempt, claim_token = $2, next_attempt_at = now() + $3 * interval '1 millisecond', updated_at = now()
           FROM jsonb_to_recordset($1::jsonb) AS v(id uuid, attempt int) WHERE d.id = v.id`,
        [JSON.stringify(send.map((s) => ({ id: s.id, attempt: s.attempt }))), claimToken, options.leaseMs],
      );
      await tx.query(
        `INSERT INTO webhook_delivery_attempts (delivery_id, series, attempt)
         SELECT v.id, v.series, v.attempt FROM jsonb_to_recordset($1::jsonb) AS v(id uuid, series int, attempt int)
         ON CONFLICT (delivery_id, series, attempt) DO NOTHING`,
        [JSON.stringify(send.map((s) => ({ id: s.id, series: s.series, attempt: s.attempt })))],
      );
    }
    return send;
  });
}

/**
 * Records what the receiver answered and what happens next (the domain decides: succeeded,
 * retry after a backoff, or failed). Fenced by the claim token: a dispatcher whose lease ran
 * out and whose delivery was claimed again changes nothing.
 */
export function finishWebhookAttempt(ds: DataSource, claimed: ClaimedWebhookDelivery, result: WebhookAttemptResult, policy: WebhookRetryPolicy): Promise<boolean> {
  return inTransaction(ds, async (tx) => {
    const now = new Date();
    const decision = afterWebhookAttempt({ id: claimed.id, status: 'pending', attempts: claimed.attempt, series: claimed.series }, { ok: result.ok }, policy, now);
    const delayMs = decision.nextAttemptAt ? decision.nextAttemptAt.getTime() - now.getTime() : null;
    const updated = (await tx.query(
      `UPDATE webhook_deliveries
          SET status = $3, next_attempt_at = CASE WHEN $4::int IS NULL THEN next_attempt_at ELSE now() + $4::int * interval '1 millisecond' END,
              claim_token = NULL, last_response_status = $5, last_error = $6, updated_at = now()
        WHERE id = $1 AND claim_token = $2
        RETURNING id`,
      [claimed.id, claimed.claimToken, decision.status, delayMs, result.responseStatus, result.error],
    )) as [unknown[], number];
    if (updated[1] === 0) return false;
    await tx.query(
      `UPDATE webhook_delivery_attempts SET finished_at = now(), response_status = $4, response_body = $5, latency_ms = $6, error = $7
        WHERE delivery_id = $1 AND series = $2 AND attempt = $3`,
      [claimed.id, claimed.series, claimed.attempt, result.responseStatus, result.responseBody, Math.round(result.latencyMs), result.error],
    );
    return true;
  });
}
