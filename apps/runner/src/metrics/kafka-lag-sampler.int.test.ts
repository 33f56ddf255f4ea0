import { randomBytes } from 'node:crypto';
import { createMetricsRegistry } from '@gatehouse/telemetry';
import { metricValue, parsePrometheusText } from '@gatehouse/telemetry/testing';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kafkaUnavailableReason, startKafkaForTests, type KafkaForTests } from '../dev/kafka-mock-cluster.js';
import { createKafkaLagSampler } from './kafka-lag-sampler.js';
import { createRunnerMetrics } from './runner-metrics.js';

const unavailable = kafkaUnavailableReason();
if (unavailable) console.warn(`Skipping the Kafka consumer lag test: ${unavailable}.`);

describe.skipIf(unavailable !== null)('the Kafka consumer lag gauge', () => {
  let kafka: KafkaForTests;
  beforeAll(async () => {
    kafka = await startKafkaForTests();
  });
  afterAll(() => kafka?.stop());

  it('is what the group has not committed, per partition', async () => {
    const tag = `${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
    const topic = `gatehouse.lag.${tag}`;
    const groupId = `gatehouse-lag-${tag}`;
    const client = new Kafka({ brokers: kafka.brokers, clientId: 'lag-test', logLevel: logLevel.NOTHING });
    const producer = client.producer({ allowAutoTopicCreation: true, createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    await producer.send({ topic, acks: -1, messages: Array.from({ length: 7 }, (_, i) => ({ key: `run-${i}`, value: String(i) })) });
    await producer.disconnect();

    const registry = createMetricsRegistry();
    const metrics = createRunnerMetrics(registry);
    const sampler = createKafkaLagSampler({ brokers: kafka.brokers, clientId: 'lag-test', groupId, topic, metrics, logger: pino({ level: 'silent' }) });
    try {
      // Nothing committed yet: everything the partitions hold is lag.
      await sampler.sample();
      const before = parsePrometheusText(await registry.metrics());
      expect(metricValue(before, 'gatehouse_kafka_consumer_lag', { topic })).toBe(7);

      // A member of the group commits all but the last message of one partition.
      const admin = client.admin();
      await admin.connect();
      const watermarks = await admin.fetchTopicOffsets(topic);
      const held = watermarks.find((w) => Number(w.high) > 0)!;
      await admin.disconnect();
      const consumer = client.consumer({ groupId, sessionTimeout: 6000, heartbeatInterval: 500 });
      const joined = new Promise((resolve) => consumer.on(consumer.events.GROUP_JOIN, resolve));
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      await consumer.run({ autoCommit: false, eachMessage: async () => {} });
      await joined;
      await consumer.commitOffsets(watermarks.map((w) => ({ topic, partition: w.partition, offset: w.partition === held.partition ? String(Number(w.high) - 1) : w.high })));
      await consumer.disconnect();

      await sampler.sample();
      const after = parsePrometheusText(await registry.metrics());
      expect(metricValue(after, 'gatehouse_kafka_consumer_lag', { topic })).toBe(1);
      expect(metricValue(after, 'gatehouse_kafka_consumer_lag', { topic, partition: String(held.partition) })).toBe(1);
    } finally {
      await sampler.stop();
    }
  });
});
