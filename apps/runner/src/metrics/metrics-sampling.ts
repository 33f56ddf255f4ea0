import pg from 'pg';
import type { Logger } from 'pino';
import type { RunnerMetrics } from './runner-metrics.js';
import { sampleDatabase } from './database-sampler.js';
import { createKafkaLagSampler, type KafkaLagSampler } from './kafka-lag-sampler.js';

export interface MetricsSamplingOptions {
  metrics: RunnerMetrics;
  /** The runner's login; sampling uses one connection of its own. */
  databaseUrl: string;
  transport: 'kafka' | 'postgres';
  kafka: { brokers: string[]; clientId: string; groupId: string; topic: string } | null;
  intervalMs: number;
  logger: Logger;
}

export interface MetricsSampling {
  /** One round now (tests; the timer does the rest). */
  sampleNow(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Reads the gauges that live outside this process (queue depths, outbox, consumer lag) on a
 * timer, never per message or per scrape: a scrape storm cannot turn into database load.
 */
export function startMetricsSampling(options: MetricsSamplingOptions): MetricsSampling {
  const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 1, application_name: 'gatehouse-runner-metrics' });
  const lag: KafkaLagSampler | null = options.kafka ? createKafkaLagSampler({ ...options.kafka, metrics: options.metrics, logger: options.logger }) : null;
  let running: Promise<void> = Promise.resolve();
  const sampleNow = () =>
    (running = running.then(async () => {
      const results = await Promise.allSettled([sampleDatabase(pool, options.metrics, options.transport), lag?.sample()]);
      for (const r of results) if (r.status === 'rejected') options.logger.warn({ err: r.reason }, 'could not sample queue metrics');
    }));
  void sampleNow();
  const timer = setInterval(() => void sampleNow(), options.intervalMs);
  timer.unref();
  return {
    sampleNow,
    async stop() {
      clearInterval(timer);
      await running;
      await lag?.stop();
      await pool.end();
    },
  };
}
