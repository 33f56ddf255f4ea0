import { Kafka, Partitioners, type Message, type Producer } from 'kafkajs';
import { pino, type Logger } from 'pino';
import { type DataSource } from 'typeorm';
import { backoffMs } from './backoff.js';
import { KAFKAJS_LOG_LEVEL, kafkaLogCreator } from './kafka-logging.js';
import { createWakeSignal, listenForOutbox, nextDueInMs, type OutboxListener } from './outbox-wakeup.js';

export interface OutboxRelayOptions {
  ds: DataSource;
  /** For the dedicated LISTEN connection. */
  listenConnectionString: string;
  /** Where to produce: brokers, or a producer factory (tests inject failing producers). */
  kafka: { brokers: string[]; clientId?: string } | { createProducer: () => Producer };
  /** Outbox topics to relay; each row goes to the Kafka topic of the same name. */
  topics: string[];
  batchSize?: number;
  /** Fallback poll when no notification arrives. */
  pollIntervalMs?: number;
  logger?: Logger;
}

export interface OutboxRelay {
  start(): Promise<void>;
  /** Finishes the batch in flight, then disconnects. Idempotent. */
  stop(): Promise<void>;
}

interface OutboxRow {
  id: string;
  topic: string;
  key: string;
  value: string;
}

/**
 * Publishes outbox rows to Kafka: claim, produce with acks=all, mark published, commit, all in
 * one transaction. A failed produce rolls the transaction back, so a row is marked published
 * only once Kafka has it; a commit that fails after a successful produce duplicates the batch
 * on the broker, which consumers tolerate (delivery is at-least-once).
 *
 * Several runner processes run a relay; one advisory lock lets one relay work at a time, since
 * two relays producing disjoint row sets concurrently could reorder the messages of one key.
 */
export function createOutboxRelay(options: OutboxRelayOptions): OutboxRelay {
  const { ds, topics } = options;
  const batchSize = options.batchSize ?? 500;
  const pollIntervalMs = options.pollIntervalMs ?? 1000;
  const logger = (options.logger ?? pino({ name: 'gatehouse-runner' })).child({ component: 'outbox-relay' });
  const createProducer =
    'createProducer' in options.kafka
      ? options.kafka.createProducer
      : kafkaProducerFactory(options.kafka.brokers, options.kafka.clientId ?? 'gatehouse-outbox-relay', logger);

  const wake = createWakeSignal();
  let producer: Producer | null = null;
  let running = false;
  let loop: Promise<void> | undefined;
  let listener: OutboxListener | undefined;
  let stopped: Promise<void> | undefined;

  const connectedProducer = async (): Promise<Producer> => {
    if (producer) return producer;
    const next = createProducer();
    await next.connect();
    producer = next;
    return next;
  };

  /** Rows relayed, or 'busy' when another relay holds the lock. */
  const relayBatch = (): Promise<number | 'busy'> =>
    ds.transaction(async (m) => {
      const [lock] = (await m.query(
        `SELECT pg_try_advisory_xact_lock(hashtext('gatehouse.outbox-relay'), 0) AS locked`,
      )) as Array<{ locked: boolean }>;
      if (!lock?.locked) return 'busy';
      const rows = (await m.query(
        `SELECT id::text AS id, topic, message_key AS key, payload::text AS value
           FROM outbox
          WHERE topic = ANY($1::text[]) AND published_at IS NULL AND available_at <= now()
          ORDER BY outbox.id -- not the text alias: '10' < '9'
          LIMIT $2
          FOR UPDATE SKIP LOCKED`,
        [topics, batchSize],
      )) as OutboxRow[];
      if (rows.length === 0) return 0;
      await (await connectedProducer()).sendBatch({ acks: -1, topicMessages: byTopic(rows) });
      await m.query(
        `UPDATE outbox SET published_at = now(), attempts = attempts + 1 WHERE id = ANY($1::bigint[])`,
        [rows.map((r) => r.id)],
      );
      return rows.length;
    });

  const run = async () => {
    let failures = 0;
    while (running) {
      const seen = wake.generation();
      let relayed: number | 'busy';
      try {
        relayed = await relayBatch();
        failures = 0;
      } catch (err) {
        failures += 1;
        const delay = backoffMs(failures, 500, 30_000);
        logger.warn({ err, retryInMs: delay }, 'relaying outbox rows failed; they stay unpublished');
        // A broken connection is not always reported as such: start over with a fresh producer.
        const broken = producer;
        producer = null;
        await broken?.disconnect().catch(() => undefined);
        await sleepUnlessStopped(delay);
        continue;
      }
      if (relayed === batchSize) continue;
      const dueIn = relayed === 'busy' ? pollIntervalMs : await nextDueInMs(ds, topics).catch(() => pollIntervalMs);
      await wake.wait(Math.min(pollIntervalMs, dueIn), seen);
    }
  };

  /** Backoff that notifications do not cut short (they would hammer a broken broker). */
  const sleepUnlessStopped = async (ms: number) => {
    const until = Date.now() + ms;
    while (running && Date.now() < until) {
      await wake.wait(until - Date.now(), wake.generation());
    }
  };

  return {
    async start() {
      if (running || stopped) throw new Error('a relay starts once');
      await connectedProducer();
      try {
        listener = await listenForOutbox({
          connectionString: options.listenConnectionString,
          logger,
          onWake: (topic) => {
            if (topic === null || topics.includes(topic)) wake.wake();
          },
        });
      } catch (err) {
        await producer?.disconnect().catch(() => undefined);
        producer = null;
        throw err;
      }
      running = true;
      loop = run();
      logger.info({ topics }, 'outbox relay started');
    },
    stop() {
      stopped ??= (async () => {
        running = false;
        wake.wake();
        await loop;
        await listener?.close();
        await producer?.disconnect().catch(() => undefined);
        producer = null;
        logger.info('outbox relay stopped');
      })();
      return stopped;
    },
  };
}

/** Rows grouped by topic, each topic's rows in outbox order (the per-key order). */
function byTopic(rows: OutboxRow[]): Array<{ topic: string; messages: Message[] }> {
  const grouped = new Map<string, Message[]>();
  for (const row of rows) {
    const messages = grouped.get(row.topic) ?? [];
    messages.push({ key: row.key, value: row.value, headers: { 'outbox-id': row.id } });
    grouped.set(row.topic, messages);
  }
  return [...grouped].map(([topic, messages]) => ({ topic, messages }));
}

function kafkaProducerFactory(brokers: string[], clientId: string, logger: Logger): () => Producer {
  const kafka = new Kafka({ brokers, clientId, logLevel: KAFKAJS_LOG_LEVEL, logCreator: kafkaLogCreator(logger) });
  // The default partitioner hashes keys like the Java client (murmur2), so any producer of a
  // key lands on the same partition; naming it also silences kafkajs's v2 partitioner warning.
  return () => kafka.producer({ allowAutoTopicCreation: true, createPartitioner: Partitioners.DefaultPartitioner });
}
