import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { createDataSource } from '@gatehouse/db';
import { createTestDatabase } from '@gatehouse/db/testing';
import { Kafka, logLevel, Partitioners, type Consumer, type Producer } from 'kafkajs';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, inject } from 'vitest';
import { kafkaUnavailableReason, startKafkaForTests, type KafkaForTests } from '../dev/kafka-mock-cluster.js';
import { createKafkaTransport } from './kafka-transport.js';
import { createOutboxRelay } from './outbox-relay.js';
import {
  describeTransportContract,
  enqueueMessages,
  readDeadLetters,
  type DeadLetterTopicMessage,
} from './transport-contract.js';
import { type StepTransport } from './transport.js';

const logger = pino({ level: process.env.LOG_LEVEL ?? 'error' });
const unavailable = kafkaUnavailableReason();

if (unavailable) console.warn(`Skipping the Kafka transport contract: ${unavailable}.`);

describe.skipIf(unavailable !== null)('on Kafka', () => {
  let kafka: KafkaForTests;
  beforeAll(async () => {
    kafka = await startKafkaForTests();
  });
  afterAll(() => kafka?.stop());

  describeTransportContract('kafka transport', async () => {
    const db = await createTestDatabase(inject('gatehousePostgres'));
    const ds = createDataSource({ url: db.url, poolSize: 3 });
    await ds.initialize();
    // Unique per harness: a shared broker (KAFKA_BROKERS) keeps topics and groups across runs.
    const tag = `${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
    const topic = `gatehouse.contract.${tag}`;
    const groupId = `gatehouse-contract-${tag}`;
    const maxDeliveries = 3;
    const { brokers } = kafka;
    const relay = createOutboxRelay({ ds, listenConnectionString: db.url, kafka: { brokers }, topics: [topic], logger });
    await relay.start();
    const client = new Kafka({ brokers, clientId: 'contract-test', logLevel: logLevel.NOTHING });
    const transports: StepTransport[] = [];
    let producer: Producer | undefined;
    let deadLetterReader: Consumer | undefined;
    const deadLetterTopic: DeadLetterTopicMessage[] = [];

    return {
      kind: 'kafka',
      maxDeliveries,
      createTransport(overrides = {}) {
        const transport = createKafkaTransport({
          brokers,
          groupId,
          topic,
          ds,
          batchSize: overrides.batchSize,
          maxDeliveries,
          retryDelayMs: 50,
          // The mock cluster takes sessionTimeout - 1 s to complete a rebalance.
          sessionTimeoutMs: 3000,
          heartbeatIntervalMs: 300,
          rebalanceTimeoutMs: 3000,
          maxWaitTimeMs: 200,
          logger,
        });
        transports.push(transport);
        return transport;
      },
      enqueue: (messages) => enqueueMessages(ds, topic, messages),
      async injectGarbage(key, rawText) {
        // Behind everything enqueued so far: wait until the relay has published it.
        for (;;) {
          const [row] = (await ds.query(
            `SELECT count(*)::int AS pending FROM outbox WHERE published_at IS NULL AND available_at <= now()`,
          )) as Array<{ pending: number }>;
          if (row?.pending === 0) break;
          await sleep(20);
        }
        if (!producer) {
          producer = client.producer({ allowAutoTopicCreation: true, createPartitioner: Partitioners.DefaultPartitioner });
          await producer.connect();
        }
        await producer.send({ topic, acks: -1, messages: [{ key, value: Buffer.from(rawText) }] });
      },
      deadLetters: () => readDeadLetters(ds),
      async readDeadLetterTopic() {
        if (!deadLetterReader) {
          deadLetterReader = client.consumer({ groupId: `${groupId}-dead-letters`, maxWaitTimeInMs: 200 });
          await deadLetterReader.connect();
          await deadLetterReader.subscribe({ topics: [`${topic}.dead-letter`], fromBeginning: true });
          await deadLetterReader.run({
            eachMessage: async ({ message }) => {
              deadLetterTopic.push({
                key: message.key?.toString() ?? null,
                value: message.value?.toString() ?? '',
                headers: Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)])),
              });
            },
          });
        }
        return [...deadLetterTopic];
      },
      async close() {
        await Promise.all(transports.map((t) => t.stop()));
        await Promise.all([relay.stop(), deadLetterReader?.disconnect(), producer?.disconnect()]);
        await ds.destroy();
        await db.drop();
      },
    };
  });
});
