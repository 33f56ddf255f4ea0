import { Kafka, type Admin } from 'kafkajs';
import type { Logger } from 'pino';
import { KAFKAJS_LOG_LEVEL, kafkaLogCreator } from '../transport/kafka-logging.js';
import type { RunnerMetrics } from './runner-metrics.js';

export interface KafkaLagSampler {
  sample(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The consumer group's lag per partition: the partition's high watermark minus the group's
 * committed offset (from the low watermark when the group has committed nothing yet). Every
 * runner reports the whole group's lag, so aggregate with max, not sum.
 */
export function createKafkaLagSampler(options: { brokers: string[]; clientId: string; groupId: string; topic: string; metrics: RunnerMetrics; logger: Logger }): KafkaLagSampler {
  const kafka = new Kafka({ brokers: options.brokers, clientId: `${options.clientId}-lag`, logLevel: KAFKAJS_LOG_LEVEL, logCreator: kafkaLogCreator(options.logger) });
  let admin: Admin | null = null;
  return {
    async sample() {
      if (!admin) {
        const next = kafka.admin();
        await next.connect();
        admin = next;
      }
      const [watermarks, committed] = await Promise.all([
        admin.fetchTopicOffsets(options.topic),
        admin.fetchOffsets({ groupId: options.groupId, topics: [options.topic] }),
      ]);
      const done = new Map((committed.find((t) => t.topic === options.topic)?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
      for (const w of watermarks) {
        const at = done.get(w.partition) ?? -1;
        const from = at >= 0 ? at : Number(w.low);
        options.metrics.kafkaLag.set({ topic: options.topic, partition: String(w.partition) }, Math.max(0, Number(w.high) - from));
      }
    },
    async stop() {
      await admin?.disconnect().catch(() => undefined);
      admin = null;
    },
  };
}
