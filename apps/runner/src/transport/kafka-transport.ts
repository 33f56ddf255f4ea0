import { setTimeout as sleep } from 'node:timers/promises';
import { STEP_DISPATCH_TOPIC } from '@gatehouse/domain';
import {
  Kafka,
  Partitioners,
  type Consumer,
  type EachBatchPayload,
  type KafkaMessage,
  type Producer,
} from 'kafkajs';
import { pino, type Logger } from 'pino';
import { type DataSource } from 'typeorm';
import { backoffMs, errorText } from './backoff.js';
import { deadLetterRunId, insertDeadLetters } from './dead-letters.js';
import { KAFKAJS_LOG_LEVEL, kafkaLogCreator } from './kafka-logging.js';
import { type BatchHandler, type DeadLetter, type Delivery, type StepTransport } from './transport.js';

export interface KafkaTransportOptions {
  brokers: string[];
  clientId?: string;
  groupId?: string;
  /** Default: the step dispatch topic. */
  topic?: string;
  /** Default: `<topic>.dead-letter`. */
  deadLetterTopic?: string;
  /** Dead letters are also recorded in the dead_letters table, where operators look first. */
  ds: DataSource;
  /** Most messages handed to the handler at once (a fetched partition batch is cut into chunks). */
  batchSize?: number;
  /** Partitions whose batches are processed at once (each partition's own stay in order). */
  concurrency?: number;
  /** Handler calls a message gets before it is dead-lettered unprocessed. */
  maxDeliveries?: number;
  /** First redelivery delay after the handler threw; doubles per delivery up to maxRetryDelayMs. */
  retryDelayMs?: number;
  maxRetryDelayMs?: number;
  /** A member silent this long is replaced; short so a killed runner's partitions move quickly. */
  sessionTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  /** How long members get to finish their in-flight chunk and rejoin during a rebalance. */
  rebalanceTimeoutMs?: number;
  /** Broker-side long poll of an idle fetch; also bounds how long stop() waits for one. */
  maxWaitTimeMs?: number;
  logger?: Logger;
}

type AttemptResult = 'done' | 'stale' | { failed: string };

/**
 * The scale-out step transport: one consumer group, key = run id, so a run's dispatches stay in
 * order on one partition. See transport.ts for the delivery contract. Offsets are resolved only
 * for chunks whose handler returned (and whose dead letters are recorded), so a crash or
 * rebalance redelivers exactly what was not finished. A chunk that fails is retried one message
 * at a time, in place, so a poison message is dead-lettered alone and never blocks its
 * partition for more than maxDeliveries attempts.
 */
export function createKafkaTransport(options: KafkaTransportOptions): StepTransport {
  const topic = options.topic ?? STEP_DISPATCH_TOPIC;
  const deadLetterTopic = options.deadLetterTopic ?? `${topic}.dead-letter`;
  const groupId = options.groupId ?? 'gatehouse-runners';
  const batchSize = options.batchSize ?? 200;
  const maxDeliveries = options.maxDeliveries ?? 10;
  const retryDelayMs = options.retryDelayMs ?? 1000;
  const maxRetryDelayMs = options.maxRetryDelayMs ?? 30_000;
  const heartbeatIntervalMs = options.heartbeatIntervalMs ?? 1000;
  const logger = (options.logger ?? pino({ name: 'gatehouse-runner' })).child({ transport: 'kafka', topic, groupId });

  const kafka = new Kafka({
    brokers: options.brokers,
    clientId: options.clientId ?? 'gatehouse-runner',
    logLevel: KAFKAJS_LOG_LEVEL,
    logCreator: kafkaLogCreator(logger),
  });
  let consumer: Consumer | undefined;
  let producer: Producer | undefined;
  let starting: Promise<void> | undefined;
  let stopped: Promise<void> | undefined;
  /** A crashed consumer being replaced (stop() waits for it, then stops the replacement). */
  let replacing: Promise<void> | undefined;

  const recordDeadLetters = async (payload: EachBatchPayload, messages: KafkaMessage[], deadLetters: DeadLetter[]) => {
    const { topic: sourceTopic, partition } = payload.batch;
    const byId = new Map(messages.map((m) => [deliveryId(sourceTopic, partition, m), m]));
    const known = deadLetters.filter((d) => byId.has(d.delivery.id));
    if (known.length < deadLetters.length) logger.warn('handler dead-lettered deliveries that were not in its batch');
    if (known.length === 0) return;
    await producer!.send({
      topic: deadLetterTopic,
      acks: -1,
      messages: known.map((d) => {
        const m = byId.get(d.delivery.id)!;
        return {
          key: m.key,
          value: m.value,
          headers: {
            ...m.headers,
            'dead-letter-reason': d.reason,
            'original-topic': sourceTopic,
            'original-partition': String(partition),
            'original-offset': m.offset,
          },
        };
      }),
    });
    await insertDeadLetters(
      options.ds,
      'kafka',
      known.map((d) => ({ topic: sourceTopic, key: d.delivery.key, payload: d.delivery.value, reason: d.reason, runId: deadLetterRunId(d) })),
    );
  };

  /** One handler call (or, with giveUp, dead-lettering without one), then the offsets. */
  const attempt = async (
    payload: EachBatchPayload,
    messages: KafkaMessage[],
    handler: BatchHandler,
    giveUp?: string,
  ): Promise<AttemptResult> => {
    const { topic: sourceTopic, partition } = payload.batch;
    const deliveries = messages.map((m) => toDelivery(sourceTopic, partition, m));
    try {
      const deadLetters =
        giveUp === undefined
          ? (await withHeartbeats(payload, () => handler(deliveries))).deadLetters
          : deliveries.map((delivery) => ({ delivery, reason: giveUp }));
      await recordDeadLetters(payload, messages, deadLetters);
    } catch (err) {
      logger.warn({ err, ids: deliveries.map((d) => d.id) }, 'chunk failed; it will be delivered again');
      return { failed: errorText(err) };
    }
    // The partition was re-positioned meanwhile: whoever consumes it next redelivers the chunk.
    if (payload.isStale()) return 'stale';
    for (const m of messages) payload.resolveOffset(m.offset);
    return 'done';
  };

  /** True when the whole chunk is done; false when the batch must be abandoned unresolved. */
  const processChunk = async (payload: EachBatchPayload, chunk: KafkaMessage[], handler: BatchHandler) => {
    const first = await attempt(payload, chunk, handler);
    if (first === 'done' || first === 'stale') return first === 'done';
    if (!(await backOff(payload, retryDelayMs))) return false;
    for (const message of chunk) {
      let calls = 1;
      let lastError = first.failed;
      for (;;) {
        const giveUp =
          calls >= maxDeliveries ? `not processed after ${calls} deliveries; last error: ${lastError}` : undefined;
        const result = await attempt(payload, [message], handler, giveUp);
        if (result === 'done') break;
        if (result === 'stale') return false;
        if (giveUp === undefined) {
          calls += 1;
          lastError = result.failed;
        }
        if (!(await backOff(payload, backoffMs(calls, retryDelayMs, maxRetryDelayMs)))) return false;
      }
    }
    return true;
  };

  /** Sleeps while staying in the group; false when the consumer stops or the batch went stale. */
  const backOff = async (payload: EachBatchPayload, ms: number) => {
    const until = Date.now() + ms;
    while (payload.isRunning() && !payload.isStale() && Date.now() < until) {
      await sleep(Math.min(heartbeatIntervalMs, until - Date.now()));
      await payload.heartbeat();
    }
    return payload.isRunning() && !payload.isStale();
  };

  /**
   * kafkajs heartbeats only when asked to; a long handler (an agent step) would otherwise be
   * evicted after sessionTimeout. A rebalance reported here surfaces at the heartbeat after the
   * chunk, once its offsets are resolved.
   */
  const withHeartbeats = async <T>(payload: EachBatchPayload, fn: () => Promise<T>): Promise<T> => {
    const timer = setInterval(() => void payload.heartbeat().catch(() => undefined), heartbeatIntervalMs);
    try {
      return await fn();
    } finally {
      clearInterval(timer);
    }
  };

  const eachBatch = async (payload: EachBatchPayload, handler: BatchHandler) => {
    const { messages } = payload.batch;
    for (let start = 0; start < messages.length; start += batchSize) {
      if (!payload.isRunning() || payload.isStale()) return;
      if (!(await processChunk(payload, messages.slice(start, start + batchSize), handler))) return;
      await payload.commitOffsetsIfNecessary();
      await payload.heartbeat();
    }
  };

  /** Without auto-creation the topic may not exist yet when the first runner starts. */
  const subscribe = async (c: Consumer) => {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await c.subscribe({ topics: [topic], fromBeginning: true });
      } catch (err) {
        if (attempt >= 10) throw err;
        logger.warn({ err }, 'cannot subscribe yet; retrying');
        await sleep(backoffMs(attempt, 200, 2000));
      }
    }
  };

  /** A consumer of the group, joined and running `handler`. */
  const runConsumer = async (handler: BatchHandler): Promise<void> => {
    const c = kafka.consumer({
      groupId,
      sessionTimeout: options.sessionTimeoutMs ?? 10_000,
      heartbeatInterval: heartbeatIntervalMs,
      rebalanceTimeout: options.rebalanceTimeoutMs ?? 10_000,
      maxWaitTimeInMs: options.maxWaitTimeMs ?? 1000,
      allowAutoTopicCreation: true,
    });
    // The current member from now on: a crash can come before run() returns (while joining).
    consumer = c;
    c.on(c.events.CRASH, ({ payload }) => {
      logger.error({ err: payload.error, restart: payload.restart }, 'kafka consumer crashed');
      // kafkajs restarts a consumer only after retriable errors; after any other (e.g. a broker
      // refusing a group request mid-rebalance) it stays stopped and the runner would idle forever.
      if (!payload.restart && !stopped && consumer === c) replacing = replaceConsumer(handler, c);
    });
    c.on(c.events.GROUP_JOIN, ({ payload }) =>
      logger.info({ memberId: payload.memberId, assignment: payload.memberAssignment }, 'joined the consumer group'),
    );
    await c.connect();
    await subscribe(c);
    await c.run({
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: options.concurrency ?? 2,
      // Commit whatever was resolved whenever commitOffsetsIfNecessary() is called: after every chunk.
      autoCommitThreshold: 1,
      eachBatch: (payload) => eachBatch(payload, handler),
    });
  };

  /**
   * Replaces a consumer that crashed for good with a new member of the group, with backoff.
   * Nothing resolved was lost: offsets are committed only after effects (see eachBatch), so the
   * new member (or another runner) redelivers whatever the old one had not acknowledged.
   */
  const replaceConsumer = async (handler: BatchHandler, crashed: Consumer) => {
    await crashed.disconnect().catch((err: unknown) => logger.warn({ err }, 'disconnecting the crashed consumer failed'));
    for (let attempt = 1; !stopped; attempt += 1) {
      await sleep(backoffMs(attempt, 500, 10_000));
      if (stopped) return;
      try {
        await runConsumer(handler);
        logger.warn({ attempt }, 'kafka consumer replaced after a crash');
        return;
      } catch (err) {
        logger.error({ err, attempt }, 'cannot replace the crashed kafka consumer yet; retrying');
        await consumer?.disconnect().catch(() => undefined);
      }
    }
  };

  const start = async (handler: BatchHandler) => {
    producer = kafka.producer({ allowAutoTopicCreation: true, createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    await runConsumer(handler);
  };

  return {
    kind: 'kafka',
    start(handler) {
      if (starting) return Promise.reject(new Error('a transport starts once'));
      starting = start(handler);
      return starting;
    },
    stop() {
      stopped ??= (async () => {
        await starting?.catch(() => undefined);
        await replacing;
        // disconnect() stops fetching, waits for the chunk in flight (which commits), leaves the group.
        await consumer?.disconnect().catch((err: unknown) => logger.warn({ err }, 'consumer disconnect failed'));
        await producer?.disconnect().catch((err: unknown) => logger.warn({ err }, 'producer disconnect failed'));
        logger.info('kafka transport stopped');
      })();
      return stopped;
    },
  };
}

function deliveryId(topic: string, partition: number, message: KafkaMessage): string {
  return `${topic}/${partition}@${message.offset}`;
}

function toDelivery(topic: string, partition: number, message: KafkaMessage): Delivery {
  return {
    id: deliveryId(topic, partition, message),
    key: message.key?.toString('utf8') ?? null,
    value: message.value?.toString('utf8') ?? '',
    deliveryCount: null,
  };
}
