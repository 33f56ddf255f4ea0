import { claimDueWebhookDeliveries, finishWebhookAttempt, WEBHOOK_CHANNEL, type ClaimedWebhookDelivery } from '@gatehouse/db';
import type { WebhookRetryPolicy } from '@gatehouse/domain';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { createWakeSignal, listenForOutbox, type OutboxListener } from '../transport/outbox-wakeup.js';
import { sendWebhook } from './webhook-sender.js';

export interface WebhookDispatcherOptions {
  ds: DataSource;
  /** LISTEN connection for prompt wake-ups; without it the dispatcher only polls. */
  listenConnectionString?: string;
  logger: Logger;
  policy: WebhookRetryPolicy;
  timeoutMs: number;
  pollIntervalMs: number;
  batchSize: number;
  allowPrivateTargets: boolean;
  /** How long a claim hides a delivery from other dispatchers; default: the timeout plus 30 s. */
  leaseMs?: number;
}

export interface WebhookDispatcher {
  start(): Promise<void>;
  /** Stops claiming, lets the attempts in flight finish (bounded by the timeout), closes the listener. */
  stop(): Promise<void>;
  /** One claim-and-send round; returns how many deliveries it attempted. For tests and the loop. */
  dispatchOnce(): Promise<number>;
}

/**
 * Sends the webhook deliveries that commits captured (webhook-capture.ts). It lives in the
 * runner because the runner is already the process that calls out to integrators (action
 * webhooks), scales out in the same way, and keeps slow receivers away from the API's request
 * path. Every runner runs one; they share the rows through SKIP LOCKED claims, each claim is a
 * lease, so a runner that dies mid-request leaves its deliveries to the others (docs/webhooks.md).
 */
export function createWebhookDispatcher(options: WebhookDispatcherOptions): WebhookDispatcher {
  const { ds, logger, policy, timeoutMs, batchSize } = options;
  const leaseMs = options.leaseMs ?? timeoutMs + 30_000;
  const wake = createWakeSignal();
  const stopping = new AbortController();
  let loop: Promise<void> | null = null;
  let listener: OutboxListener | null = null;

  const deliver = async (claimed: ClaimedWebhookDelivery): Promise<void> => {
    const result = await sendWebhook({
      url: claimed.url,
      secret: claimed.secret,
      deliveryId: claimed.id,
      eventType: claimed.eventType,
      body: JSON.stringify(claimed.payload),
      timeoutMs,
      allowPrivateTargets: options.allowPrivateTargets,
    });
    const recorded = await finishWebhookAttempt(ds, claimed, result, policy);
    if (!recorded) logger.warn({ deliveryId: claimed.id }, 'webhook delivery changed before its attempt finished (claimed again after its lease, or its subscription was deleted); result dropped');
    else if (!result.ok) logger.info({ deliveryId: claimed.id, attempt: claimed.attempt, status: result.responseStatus, error: result.error }, 'webhook attempt failed');
  };

  const dispatchOnce = async (): Promise<number> => {
    const claimed = await claimDueWebhookDeliveries(ds, { limit: batchSize, leaseMs, policy });
    await Promise.all(claimed.map((c) => deliver(c).catch((err: unknown) => logger.error({ err, deliveryId: c.id }, 'recording a webhook attempt failed; the lease will bring it back'))));
    return claimed.length;
  };

  const run = async (): Promise<void> => {
    while (!stopping.signal.aborted) {
      const seen = wake.generation();
      let attempted = 0;
      try {
        attempted = await dispatchOnce();
      } catch (err) {
        logger.warn({ err }, 'webhook dispatch round failed; trying again');
      }
      if (attempted < batchSize) await wake.wait(options.pollIntervalMs, seen);
    }
  };

  return {
    dispatchOnce,
    async start() {
      if (options.listenConnectionString) {
        listener = await listenForOutbox({ connectionString: options.listenConnectionString, logger, channel: WEBHOOK_CHANNEL, onWake: () => wake.wake() });
      }
      loop = run();
    },
    async stop() {
      stopping.abort();
      wake.wake();
      await loop;
      await listener?.close();
    },
  };
}
