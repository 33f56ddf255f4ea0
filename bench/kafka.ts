/*
 * Kafka for the bench: the runner's own helper (KAFKA_BROKERS when set, otherwise librdkafka's
 * mock cluster served by `kcat`), from its build, plus a label for the report.
 */
import { kafkaUnavailableReason, startKafkaForTests } from '../apps/runner/dist/dev/kafka-mock-cluster.js';

export { kafkaUnavailableReason };

export interface BenchKafka {
  brokers: string[];
  /** "KAFKA_BROKERS" or "librdkafka mock cluster (kcat)". */
  kind: string;
  stop(): Promise<void>;
}

export async function startBenchKafka(): Promise<BenchKafka> {
  const kafka = await startKafkaForTests();
  return { ...kafka, kind: process.env.KAFKA_BROKERS ? 'KAFKA_BROKERS' : 'librdkafka mock cluster (kcat)' };
}
