import { OUTBOX_CHANNEL } from '@gatehouse/db';
import pg from 'pg';
import { type Logger } from 'pino';
import { type DataSource } from 'typeorm';

/**
 * What wakes the outbox consumers (the Postgres transport and the Kafka relay): NOTIFY when a
 * row is committed, a poll as fallback (a lost connection loses notifications), and a timer for
 * the next row whose available_at lies in the future (no NOTIFY is sent when it becomes due).
 */

export interface WakeSignal {
  /** Changes on every wake-up; a waiter passes the value it saw before doing its work. */
  generation(): number;
  wake(): void;
  /** Resolves after `ms`, or at once / on the next wake-up if one happened since `seen`. */
  wait(ms: number, seen: number): Promise<void>;
}

export function createWakeSignal(): WakeSignal {
  let generation = 0;
  const waiters = new Set<() => void>();
  return {
    generation: () => generation,
    wake() {
      generation += 1;
      for (const resolve of waiters) resolve();
      waiters.clear();
    },
    wait(ms, seen) {
      if (seen !== generation) return Promise.resolve();
      return new Promise((resolve) => {
        const done = () => {
          clearTimeout(timer);
          waiters.delete(done);
          resolve();
        };
        const timer = setTimeout(done, ms);
        waiters.add(done);
      });
    },
  };
}

export interface OutboxListener {
  close(): Promise<void>;
}

/**
 * LISTENs on the outbox channel through a dedicated connection (a pooled one would be handed
 * back and lose the subscription). `onWake(topic)` gets the notified topic, or null after a
 * reconnect, when notifications may have been missed. The first connection must succeed (a
 * wrong URL should fail the start); later losses are retried with backoff until close().
 */
export async function listenForOutbox(options: {
  connectionString: string;
  logger: Logger;
  onWake: (topic: string | null) => void;
  /** Another NOTIFY channel than the outbox's (the webhook dispatcher's). */
  channel?: string;
}): Promise<OutboxListener> {
  const { connectionString, logger, onWake, channel = OUTBOX_CHANNEL } = options;
  let closed = false;
  let client: pg.Client | null = null;
  let retryTimer: NodeJS.Timeout | undefined;
  let failures = 0;

  const connect = async (): Promise<void> => {
    const next = new pg.Client({ connectionString, application_name: channel === OUTBOX_CHANNEL ? 'gatehouse-outbox-listen' : 'gatehouse-webhook-listen' });
    let established = false;
    const onLost = (err?: Error) => {
      // Errors before LISTEN succeeded are the caller's to handle (the promise rejects).
      if (!established) return;
      established = false;
      next.end().catch(() => undefined);
      if (closed) return;
      logger.warn({ err }, 'outbox LISTEN connection lost; reconnecting');
      scheduleReconnect();
    };
    next.on('notification', (msg) => onWake(msg.payload ?? null));
    next.on('error', onLost);
    next.on('end', () => onLost());
    try {
      await next.connect();
      await next.query(`LISTEN "${channel}"`);
    } catch (err) {
      await next.end().catch(() => undefined);
      throw err;
    }
    if (closed) {
      await next.end().catch(() => undefined);
      return;
    }
    established = true;
    client = next;
  };

  const scheduleReconnect = () => {
    if (closed || retryTimer) return;
    const delay = Math.min(500 * 2 ** failures, 10_000);
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      connect().then(
        () => {
          failures = 0;
          logger.info('outbox LISTEN connection restored');
          onWake(null);
        },
        (err: unknown) => {
          failures += 1;
          logger.warn({ err }, 'outbox LISTEN reconnect failed');
          scheduleReconnect();
        },
      );
    }, delay);
  };

  await connect();
  return {
    async close() {
      closed = true;
      clearTimeout(retryTimer);
      const current = client;
      client = null;
      await current?.end().catch(() => undefined);
    },
  };
}

/**
 * Milliseconds until the next unpublished row of these topics becomes available (a retry
 * backoff, a lease that expires), or Infinity when none is waiting. A few ms of margin make the
 * row due by the time the claim's now() is taken.
 */
export async function nextDueInMs(ds: DataSource, topics: string[]): Promise<number> {
  const [row] = (await ds.query(
    `SELECT EXTRACT(EPOCH FROM min(available_at) - now()) * 1000 AS ms
       FROM outbox
      WHERE topic = ANY($1::text[]) AND published_at IS NULL AND available_at > now()`,
    [topics],
  )) as Array<{ ms: string | number | null }>;
  return row?.ms == null ? Infinity : Math.max(0, Number(row.ms)) + 5;
}
