import { STEP_DISPATCH_TOPIC } from '@gatehouse/domain';
import { createMetricsRegistry, metricsAccess, startMetricsServer, type MetricsServer } from '@gatehouse/telemetry';
import type { Logger } from 'pino';
import type { RunnerEnv } from '../env.js';
import { startMetricsSampling, type MetricsSampling } from './metrics-sampling.js';
import { createRunnerMetrics, type RunnerMetrics } from './runner-metrics.js';

export interface RunnerObservability {
  readonly metrics: RunnerMetrics;
  /** The listener's port; null when it could not listen (the runner runs on without /metrics). */
  readonly port: number | null;
  /** Starts the periodic sampling once the runner knows its database login. */
  startSampling(databaseUrl: string): void;
  stop(): Promise<void>;
}

/**
 * The runner's registry, its /metrics listener (RUNNER_METRICS_PORT) and the sampling behind
 * the gauges; null when RUNNER_METRICS_PORT is 0. A port already taken (two runners on one
 * host with the default) is logged and does not stop the runner: its work matters more.
 */
export async function startRunnerObservability(env: RunnerEnv, logger: Logger): Promise<RunnerObservability | null> {
  if (env.RUNNER_METRICS_PORT === 0) return null;
  const registry = createMetricsRegistry();
  const metrics = createRunnerMetrics(registry);
  const access = metricsAccess(env);
  let server: MetricsServer | null = null;
  try {
    server = await startMetricsServer({ registry, access, port: env.RUNNER_METRICS_PORT, host: env.RUNNER_METRICS_HOST });
    logger.info({ url: `http://${env.RUNNER_METRICS_HOST}:${server.port}/metrics` }, 'runner metrics listening');
    if (access.kind === 'closed') logger.warn('/metrics answers 401 until METRICS_TOKEN is set (metrics are not public in production)');
  } catch (err) {
    logger.error({ err, port: env.RUNNER_METRICS_PORT }, 'cannot serve /metrics on RUNNER_METRICS_PORT; running without it (give each runner on a host its own port)');
  }
  let sampling: MetricsSampling | null = null;
  return {
    metrics,
    port: server?.port ?? null,
    startSampling(databaseUrl) {
      if (!server) return;
      sampling = startMetricsSampling({
        metrics,
        databaseUrl,
        transport: env.transport,
        kafka: env.transport === 'kafka' ? { brokers: env.KAFKA_BROKERS, clientId: env.KAFKA_CLIENT_ID, groupId: env.KAFKA_GROUP_ID, topic: STEP_DISPATCH_TOPIC } : null,
        intervalMs: env.RUNNER_METRICS_SAMPLE_INTERVAL_MS,
        logger,
      });
    },
    async stop() {
      await sampling?.stop();
      await server?.close();
    },
  };
}
