import { STEP_DISPATCH_TOPIC } from '@gatehouse/domain';
import { pino, type Logger } from 'pino';
import { type DataSource, type EntityManager, type QueryResult } from 'typeorm';
import { errorText } from './backoff.js';
import { deadLetterRunId, insertDeadLetters } from './dead-letters.js';
import { createWakeSignal, listenForOutbox, nextDueInMs, type OutboxListener } from './outbox-wakeup.js';
import { type BatchControls, type BatchHandler, type DeadLetter, type Delivery, type StepTransport } from './transport.js';

export interface PostgresTransportOptions {
  ds: DataSource;
  /** For the dedicated LISTEN connection. */
  listenConnectionString: string;
  /** Outbox topic to consume. Default: the step dispatch topic. */
  topic?: string;
  batchSize?: number;
  /** Batch loops per transport, i.e. batches in flight at once. */
  concurrency?: number;
  /** Fallback poll when no notification arrives. */
  pollIntervalMs?: number;
  /** How long a claimed batch is invisible to other claimers; renewed while the handler runs. */
  leaseMs?: number;
  /** Handler calls a message gets before it is dead-lettered unprocessed. */
  maxDeliveries?: number;
  /** First redelivery delay after the handler threw; doubles per delivery up to maxRetryDelayMs. */
  retryDelayMs?: number;
  maxRetryDelayMs?: number;
  logger?: Logger;
}

interface ClaimedRow {
  id: string;
  key: string;
  value: string;
  /** Deliveries including this one. */
  attempts: number;
  lastError: string | null;
}

/*
 * Claims due rows of one topic and leases them (available_at moves past the lease, so nobody
 * else sees them) in one short transaction. Per-key order: a key with a delivered but not
 * acknowledged row (leased, or released for a retry) is skipped until that row is done, and the
 * claims of one topic are serialised by an advisory lock, because two concurrent claims would
 * otherwise both see a key as free and take consecutive rows of it.
 *
 * The skip is NOT IN over a subquery (message_key is NOT NULL, so it means NOT EXISTS) because
 * PostgreSQL runs that as one hash of the unacknowledged keys whenever their estimated number
 * fits in work_mem (tens of thousands of keys at the default 4 MB), however few it believes
 * there are. As NOT EXISTS it planned a nested-loop anti join whenever the outbox's statistics
 * were those of an empty table (a new database, a burst before autovacuum's next analyze):
 * every candidate row compared against every leased key, 18 ms instead of 3 for a claim of 200
 * behind 400 leased rows.
 *
 * The hash must fit in work_mem, or PostgreSQL rescans the subquery for every candidate row.
 * At the default 4 MB that happened between 100,000 and 300,000 unacknowledged keys (a backlog
 * of runs backing off after an outage): a claim of 400 took 9.3 s instead of 0.13 s. So the
 * claim's transaction raises work_mem to CLAIM_WORK_MEM, which keeps the hash up to about
 * 1,000,000 keys (a claim then takes ~0.5 s; the hash is built per claim, so its cost grows with
 * the backlog). One claim per topic runs at a time (the advisory lock), so that is the memory
 * of one backend per topic: up to hash_mem_multiplier (2 by default) times CLAIM_WORK_MEM, and
 * more if the statistics underestimate the keys badly (a hashed subplan does not spill). A NOT EXISTS probing an index on (topic, message_key) would not grow with the
 * backlog once the table is analysed, but before that it took 0.7–9 s per claim.
 */
const CLAIM_WORK_MEM = '64MB';

/** The claim's first statement: the per-topic lock, and work_mem for CLAIM_SQL (both end with the transaction). */
export const CLAIM_LOCK_SQL = `SELECT pg_advisory_xact_lock(hashtext('gatehouse.outbox-claim'), hashtext($1)), set_config('work_mem', '${CLAIM_WORK_MEM}', true)`;

export const CLAIM_SQL = `
  WITH due AS (
    SELECT o.id FROM outbox o
     WHERE o.topic = $1 AND o.published_at IS NULL AND o.available_at <= now()
       AND o.message_key NOT IN (
         SELECT u.message_key FROM outbox u
          WHERE u.topic = $1 AND u.published_at IS NULL AND u.available_at > now() AND u.attempts > 0)
     ORDER BY o.available_at, o.id
     LIMIT $2
     FOR UPDATE OF o SKIP LOCKED
  )
  UPDATE outbox o
     SET available_at = now() + $3::float8 * interval '1 millisecond', attempts = o.attempts + 1
    FROM due WHERE o.id = due.id
  RETURNING o.id::text AS id, o.message_key AS key, o.payload::text AS value, o.attempts,
            o.last_error AS "lastError"`;

/**
 * The embedded step transport: the outbox table is the queue. See transport.ts for the
 * delivery contract. Redeliveries after a failed batch go out one message at a time, so one
 * poison message cannot drag its batch-mates to the dead letters with it.
 */
export function createPostgresTransport(options: PostgresTransportOptions): StepTransport {
  const { ds } = options;
  const topic = options.topic ?? STEP_DISPATCH_TOPIC;
  const batchSize = options.batchSize ?? 200;
  const concurrency = options.concurrency ?? 2;
  const pollIntervalMs = options.pollIntervalMs ?? 1000;
  const leaseMs = options.leaseMs ?? 30_000;
  const maxDeliveries = options.maxDeliveries ?? 10;
  const retryDelayMs = options.retryDelayMs ?? 1000;
  const maxRetryDelayMs = options.maxRetryDelayMs ?? 60_000;
  const logger = (options.logger ?? pino({ name: 'gatehouse-runner' })).child({ transport: 'postgres', topic });

  const wake = createWakeSignal();
  let state: 'new' | 'running' | 'stopping' = 'new';
  let loops: Promise<void>[] = [];
  let listener: OutboxListener | undefined;
  let stopped: Promise<void> | undefined;

  const claim = () =>
    ds.transaction(async (m) => {
      await m.query(CLAIM_LOCK_SQL, [topic]);
      const rows = await records<ClaimedRow>(m, CLAIM_SQL, [topic, batchSize, leaseMs]);
      return rows.sort((a, b) => compareIds(a.id, b.id));
    });

  /** Marks rows done and records their dead letters, in the caller's transaction. */
  const acknowledgeIn = async (m: EntityManager, rows: ClaimedRow[], deadLetters: DeadLetter[]) => {
    const reasons = new Map(deadLetters.map((d) => [d.delivery.id, d.reason]));
    const acked = await records<{ id: string }>(
      m,
      `UPDATE outbox o SET published_at = now(), last_error = d.reason
         FROM unnest($1::bigint[], $2::text[]) AS d(id, reason)
        WHERE o.id = d.id AND o.published_at IS NULL
       RETURNING o.id::text AS id`,
      [rows.map((r) => r.id), rows.map((r) => reasons.get(deliveryId(r)) ?? null)],
    );
    // A row someone else acknowledged meanwhile (our lease ran out) keeps their outcome.
    const ackedIds = new Set(acked.map((r) => deliveryId(r)));
    await insertDeadLetters(
      m,
      'postgres',
      deadLetters
        .filter((d) => ackedIds.has(d.delivery.id))
        .map((d) => ({ topic, key: d.delivery.key, payload: d.delivery.value, reason: d.reason, runId: deadLetterRunId(d) })),
    );
  };

  /** Marks rows done and records their dead letters, atomically. */
  const acknowledge = (rows: ClaimedRow[], deadLetters: DeadLetter[]) => ds.transaction((m) => acknowledgeIn(m, rows, deadLetters));

  /** After a failure: back off exponentially with the delivery count. */
  const releaseForRetry = (rows: ClaimedRow[], error: string) =>
    ds.query(
      `UPDATE outbox
          SET available_at = now() + LEAST($3::float8, $2::float8 * power(2, attempts - 1)) * interval '1 millisecond',
              last_error = $4
        WHERE id = ANY($1::bigint[]) AND published_at IS NULL`,
      [rows.map((r) => r.id), retryDelayMs, maxRetryDelayMs, error],
    );

  /** Rows claimed but never handed to the handler: not a delivery, so it is not counted. */
  const releaseUnstarted = (rows: ClaimedRow[]) =>
    ds.query(
      `UPDATE outbox SET available_at = now(), attempts = attempts - 1
        WHERE id = ANY($1::bigint[]) AND published_at IS NULL`,
      [rows.map((r) => r.id)],
    );

  /** Keeps the lease of a batch whose handler runs long (an agent step may). */
  const keepLeased = (rows: ClaimedRow[]) => {
    let renewing: Promise<unknown> = Promise.resolve();
    const timer = setInterval(() => {
      renewing = ds
        .query(
          `UPDATE outbox SET available_at = now() + $2::float8 * interval '1 millisecond'
            WHERE id = ANY($1::bigint[]) AND published_at IS NULL`,
          [rows.map((r) => r.id), leaseMs],
        )
        .catch((err: unknown) => logger.warn({ err }, 'could not renew the lease of a batch'));
    }, leaseMs / 3);
    return async () => {
      clearInterval(timer);
      await renewing;
    };
  };

  /** Hands rows to the handler and acknowledges them; false when they were released for a retry. */
  const deliver = async (rows: ClaimedRow[], handler: BatchHandler): Promise<boolean> => {
    const endLease = keepLeased(rows);
    // Set when the handler acknowledged the batch in the transaction of its effects: the two
    // commit together, and the next dispatches it wrote are claimable the moment they notify.
    let acknowledged = false;
    const controls: BatchControls = {
      acknowledgeIn: async (m, deadLetters) => {
        // No renewal may run beside this UPDATE: locking the same rows in another order, the
        // two could deadlock (PostgreSQL would abort one after deadlock_timeout).
        await endLease();
        await acknowledgeIn(m, rows, deadLetters);
        acknowledged = true;
      },
    };
    try {
      const outcome = await handler(rows.map(toDelivery), controls);
      await endLease();
      if (!acknowledged) await acknowledge(rows, outcome.deadLetters);
      return true;
    } catch (err) {
      await endLease();
      logger.warn({ err, ids: rows.map(deliveryId) }, 'batch failed; it will be delivered again');
      // If this fails too, the lease runs out and the rows come back anyway.
      await releaseForRetry(rows, errorText(err)).catch((releaseErr: unknown) =>
        logger.error({ err: releaseErr }, 'could not release a failed batch'),
      );
      return false;
    }
  };

  const processClaim = async (rows: ClaimedRow[], handler: BatchHandler) => {
    if (state !== 'running') return releaseUnstarted(rows);
    const exhausted = rows.filter((r) => r.attempts > maxDeliveries);
    if (exhausted.length > 0) {
      await acknowledge(
        exhausted,
        exhausted.map((r) => ({
          delivery: toDelivery(r),
          reason: `not processed after ${maxDeliveries} deliveries; last error: ${r.lastError ?? 'unknown'}`,
        })),
      );
    }
    const live = rows.filter((r) => r.attempts <= maxDeliveries);
    const retriedKeys = new Set(live.filter((r) => r.attempts > 1).map((r) => r.key));
    const fresh = live.filter((r) => !retriedKeys.has(r.key));
    if (fresh.length > 0) await deliver(fresh, handler);

    // Keys that failed before: one message at a time, in order; a failure holds back the rest of its key.
    const failedKeys = new Set<string>();
    const retried = live.filter((r) => retriedKeys.has(r.key));
    for (const [index, row] of retried.entries()) {
      if (state !== 'running') return releaseUnstarted(retried.slice(index));
      if (failedKeys.has(row.key)) await releaseUnstarted([row]);
      else if (!(await deliver([row], handler))) failedKeys.add(row.key);
    }
  };

  const loop = async (handler: BatchHandler) => {
    while (state === 'running') {
      const seen = wake.generation();
      let claimed = 0;
      try {
        const rows = await claim();
        claimed = rows.length;
        if (claimed > 0) await processClaim(rows, handler);
      } catch (err) {
        logger.error({ err }, 'claiming or acknowledging a batch failed');
      }
      // Claim again at once after a non-empty claim: acknowledging may have unblocked a key.
      if (claimed > 0 || state !== 'running') continue;
      const dueIn = await nextDueInMs(ds, [topic]).catch(() => pollIntervalMs);
      await wake.wait(Math.min(pollIntervalMs, dueIn), seen);
    }
  };

  return {
    kind: 'postgres',
    async start(handler) {
      if (state !== 'new') throw new Error('a transport starts once');
      listener = await listenForOutbox({
        connectionString: options.listenConnectionString,
        logger,
        onWake: (notified) => {
          if (notified === null || notified === topic) wake.wake();
        },
      });
      if (state !== 'new') return listener.close(); // stopped while starting
      state = 'running';
      loops = Array.from({ length: concurrency }, () => loop(handler));
      logger.info({ concurrency, batchSize }, 'postgres transport started');
    },
    stop() {
      stopped ??= (async () => {
        state = 'stopping';
        wake.wake();
        await Promise.all(loops);
        await listener?.close();
        logger.info('postgres transport stopped');
      })();
      return stopped;
    },
  };
}

function toDelivery(row: ClaimedRow): Delivery {
  return { id: deliveryId(row), key: row.key, value: row.value, deliveryCount: row.attempts };
}

function deliveryId(row: { id: string }): string {
  return `outbox:${row.id}`;
}

function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

/** RETURNING rows of an UPDATE: TypeORM's plain query() returns [rows, count] for those. */
async function records<T>(m: EntityManager, sql: string, parameters: unknown[]): Promise<T[]> {
  const result = (await m.queryRunner!.query(sql, parameters, true)) as QueryResult<T>;
  return result.records;
}
