import { IllegalTransitionError } from './errors.js';
import type { Transition } from './workflow.js';

/**
 * One event for one subscription. `pending` until a 2xx answer (`succeeded`) or until the
 * retry policy gives up (`failed`); a replay puts it back to `pending` as a new series.
 */
export const WEBHOOK_DELIVERY_STATUSES = ['pending', 'succeeded', 'failed'] as const;
export type WebhookDeliveryStatus = (typeof WEBHOOK_DELIVERY_STATUSES)[number];

export interface WebhookRetryPolicy {
  /** Attempts per series, the first included. */
  maxAttempts: number;
  /** Delay before the second attempt; doubles per attempt. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_WEBHOOK_RETRY_POLICY: WebhookRetryPolicy = { maxAttempts: 8, baseDelayMs: 10_000, maxDelayMs: 3_600_000 };

/** What the dispatcher needs to decide about a delivery. */
export interface WebhookDeliveryState {
  id: string;
  status: WebhookDeliveryStatus;
  /** Attempts in the current series, including one in flight. */
  attempts: number;
  series: number;
}

/**
 * Delay after failed attempt `attempt` (1-based): exponential (base · 2^(attempt-1), capped)
 * with "equal jitter" — half fixed, half random — so retries of many deliveries that failed
 * together spread out, yet each wait is at least half the nominal one and the waits grow.
 */
export function webhookRetryDelayMs(attempt: number, policy: WebhookRetryPolicy, random: () => number = Math.random): number {
  const nominal = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(nominal / 2 + random() * (nominal / 2));
}

export type WebhookAttemptOutcome = { ok: true } | { ok: false };

export interface AttemptDecision {
  status: WebhookDeliveryStatus;
  /** When to try again (status pending), else null. */
  nextAttemptAt: Date | null;
}

/** After an attempt finished: done on success; retry later until the policy's attempts are used; then failed. */
export function afterWebhookAttempt(delivery: WebhookDeliveryState, outcome: WebhookAttemptOutcome, policy: WebhookRetryPolicy, now: Date, random?: () => number): AttemptDecision {
  if (outcome.ok) return { status: 'succeeded', nextAttemptAt: null };
  if (delivery.attempts >= policy.maxAttempts) return { status: 'failed', nextAttemptAt: null };
  return { status: 'pending', nextAttemptAt: new Date(now.getTime() + webhookRetryDelayMs(delivery.attempts, policy, random)) };
}

/**
 * A due delivery the dispatcher claimed: send it as the next attempt — unless the attempts are
 * used up already, which happens only when the last one was cut short (its dispatcher died
 * mid-request and the lease ran out): then it ends failed without another send.
 */
export function claimWebhookDelivery(delivery: WebhookDeliveryState, policy: WebhookRetryPolicy): { send: true; attempt: number } | { send: false; status: 'failed' } {
  if (delivery.status !== 'pending') throw new IllegalTransitionError('webhook delivery', delivery.status, 'claim');
  if (delivery.attempts >= policy.maxAttempts) return { send: false, status: 'failed' };
  return { send: true, attempt: delivery.attempts + 1 };
}

/**
 * A person asks for a delivery again (the receiver lost it, or was fixed): a new series of
 * attempts starts now. Refused while one is still pending — it is going to be sent anyway.
 */
export function replayWebhookDelivery(delivery: WebhookDeliveryState & { subscriptionId: string; workflowId: string; eventId: string }, now: Date): Transition<WebhookDeliveryState & { nextAttemptAt: Date }> {
  if (delivery.status === 'pending') throw new IllegalTransitionError('webhook delivery', 'pending', 'replay', 'It is queued or being sent already.');
  return {
    state: { id: delivery.id, status: 'pending', attempts: 0, series: delivery.series + 1, nextAttemptAt: now },
    events: [{ type: 'webhook_delivery.replayed', subjectType: 'webhook_delivery', subjectId: delivery.id, data: { workflowId: delivery.workflowId, subscriptionId: delivery.subscriptionId, eventId: delivery.eventId, from: delivery.status, series: delivery.series + 1 } }],
  };
}
