import { APP_DATABASE_ROLE, createDataSource, resolveAppLoginUrl } from '@gatehouse/db';
import { STEP_DISPATCH_TOPIC } from '@gatehouse/domain';
import type { Logger } from 'pino';
import type { RunnerEnv } from './env.js';
import type { RunnerMetrics } from './metrics/runner-metrics.js';
import { createStepHandler } from './steps/step-handler.js';
import { createStepIo } from './steps/step-io.js';
import { createKafkaTransport, createOutboxRelay, createPostgresTransport } from './transport/index.js';
import type { StepTransport } from './transport/transport.js';
import { createWebhookDispatcher } from './webhooks/webhook-dispatcher.js';

export const DEAD_LETTER_TOPIC = `${STEP_DISPATCH_TOPIC}.dead-letter`;

export interface RunningRunner {
  transport: StepTransport['kind'];
  /** The connection string the runner logs in with (see resolveAppLoginUrl). */
  databaseUrl: string;
  /** Graceful stop: finish the batch in flight, acknowledge it, leave the group, close the pool. */
  stop(): Promise<void>;
}

/**
 * Wires one runner: the step handler on the configured transport and, with Kafka, the outbox
 * relay that feeds it. Every runner of a deployment runs the same code; with Kafka they form
 * one consumer group, with Postgres they share the outbox through SKIP LOCKED.
 */
export async function startRunner(env: RunnerEnv, logger: Logger, options: { metrics?: RunnerMetrics } = {}): Promise<RunningRunner> {
  // A login with only the application role's rights: may not rewrite audit history, whatever
  // SQL reaches it (docs/security.md, "Audit integrity").
  const databaseUrl = await resolveAppLoginUrl(env.DATABASE_URL, { production: env.NODE_ENV === 'production' });
  const ds = createDataSource({ url: databaseUrl, poolSize: env.DATABASE_POOL_SIZE, role: APP_DATABASE_ROLE });
  await ds.initialize();
  const kafka = env.transport === 'kafka';
  const handler = createStepHandler({
    ds,
    io: createStepIo(env, logger),
    logger,
    ioConcurrency: env.RUNNER_IO_CONCURRENCY,
    transport: env.transport,
    deadLetterTopic: kafka ? DEAD_LETTER_TOPIC : null,
    ...(options.metrics ? { metrics: options.metrics } : {}),
  });

  const relay = kafka
    ? createOutboxRelay({ ds, listenConnectionString: databaseUrl, kafka: { brokers: env.KAFKA_BROKERS, clientId: `${env.KAFKA_CLIENT_ID}-relay` }, topics: [STEP_DISPATCH_TOPIC, DEAD_LETTER_TOPIC], pollIntervalMs: env.RUNNER_POLL_INTERVAL_MS, logger })
    : null;
  const transport: StepTransport = kafka
    ? createKafkaTransport({ brokers: env.KAFKA_BROKERS, clientId: env.KAFKA_CLIENT_ID, groupId: env.KAFKA_GROUP_ID, topic: STEP_DISPATCH_TOPIC, deadLetterTopic: DEAD_LETTER_TOPIC, ds, batchSize: env.RUNNER_BATCH_SIZE, concurrency: env.RUNNER_CONCURRENCY, sessionTimeoutMs: env.KAFKA_SESSION_TIMEOUT_MS, maxWaitTimeMs: env.KAFKA_MAX_WAIT_MS, logger })
    : createPostgresTransport({ ds, listenConnectionString: databaseUrl, topic: STEP_DISPATCH_TOPIC, batchSize: env.RUNNER_BATCH_SIZE, concurrency: env.RUNNER_CONCURRENCY, pollIntervalMs: env.RUNNER_POLL_INTERVAL_MS, leaseMs: env.RUNNER_LEASE_MS, logger });

  const webhooks = createWebhookDispatcher({
    ds,
    listenConnectionString: databaseUrl,
    logger,
    policy: { maxAttempts: env.WEBHOOK_MAX_ATTEMPTS, baseDelayMs: env.WEBHOOK_BACKOFF_BASE_MS, maxDelayMs: env.WEBHOOK_BACKOFF_MAX_MS },
    timeoutMs: env.WEBHOOK_TIMEOUT_MS,
    pollIntervalMs: env.WEBHOOK_POLL_INTERVAL_MS,
    batchSize: env.WEBHOOK_BATCH_SIZE,
    allowPrivateTargets: env.webhookAllowPrivateTargets,
  });

  await relay?.start();
  await transport.start(handler);
  await webhooks.start();
  logger.info({ transport: transport.kind, batchSize: env.RUNNER_BATCH_SIZE }, 'runner consuming step dispatches');

  let stopping: Promise<void> | null = null;
  return {
    transport: transport.kind,
    databaseUrl,
    stop: () =>
      (stopping ??= (async () => {
        await transport.stop();
        await webhooks.stop();
        await relay?.stop();
        await ds.destroy();
      })()),
  };
}
