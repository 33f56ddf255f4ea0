import { commonEnvShape, envDatabaseUrl, envOptionalBoolean, envPositiveInt, parseEnv } from '@gatehouse/config';
import { DEFAULT_WEBHOOK_RETRY_POLICY } from '@gatehouse/domain';
import { telemetryEnvShape } from '@gatehouse/telemetry';
import { z } from 'zod';
import { parsePriceTable } from './executors/agent-executor.js';

/** Public, development-only signing secret: the demo action receiver knows it too. */
export const DEVELOPMENT_ACTION_SECRET = 'gatehouse-development-action-secret';

const brokerList = z
  .string()
  .optional()
  .transform((v) => (v ?? '').split(',').map((b) => b.trim()).filter(Boolean))
  .refine((list) => list.every((b) => /^[^\s:]+:\d{1,5}$/.test(b)), 'must be a comma-separated list of host:port');

/** The runner's configuration, parsed once at start. */
export const runnerEnvSchema = z.object({
  ...commonEnvShape,
  // /metrics access and OpenTelemetry tracing (docs/observability.md).
  ...telemetryEnvShape,
  /** Port of the runner's /metrics listener; 0 turns it (and the sampling behind it) off. */
  RUNNER_METRICS_PORT: z.coerce.number({ message: 'must be a port' }).int('must be a whole number').min(0, 'must be 0 (off) or a port').max(65535, 'must be a port').default(9464),
  /** Interface of the /metrics listener. */
  RUNNER_METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  /** How often queue depths, the outbox and the consumer lag are read for /metrics. */
  RUNNER_METRICS_SAMPLE_INTERVAL_MS: envPositiveInt(15_000),
  /** The runner joins an existing database; `pnpm start` passes the embedded server's URL. */
  DATABASE_URL: envDatabaseUrl,
  DATABASE_POOL_SIZE: envPositiveInt(6),
  /** Kafka brokers; when set the Kafka transport is the default. */
  KAFKA_BROKERS: brokerList,
  /** kafka | postgres; defaults to kafka when brokers are configured, else postgres. */
  RUNNER_TRANSPORT: z.enum(['kafka', 'postgres']).optional(),
  KAFKA_GROUP_ID: z.string().min(1).default('gatehouse-runners'),
  KAFKA_CLIENT_ID: z.string().min(1).default('gatehouse-runner'),
  /** Dispatches claimed and committed together (docs/benchmarks.md, eighth round: 400 over 200 is +30–50 % under a backlog). */
  RUNNER_BATCH_SIZE: envPositiveInt(400),
  /** Batches in flight at once per runner (Kafka: partitions processed at once). */
  RUNNER_CONCURRENCY: envPositiveInt(2),
  /** Steps of one batch that may wait on the network at once. */
  RUNNER_IO_CONCURRENCY: envPositiveInt(32),
  RUNNER_POLL_INTERVAL_MS: envPositiveInt(1000),
  /** Postgres transport: how long a claimed batch stays invisible to other runners (a crashed runner's work returns after it). */
  RUNNER_LEASE_MS: envPositiveInt(30_000),
  /** Kafka: a runner silent this long is replaced in the group and its partitions move. */
  KAFKA_SESSION_TIMEOUT_MS: envPositiveInt(30_000),
  /** Kafka: how long a fetch may wait for data at the broker (bounds per-hop latency on quiet topics and how long stop() waits). */
  KAFKA_MAX_WAIT_MS: envPositiveInt(1000),
  /** How often the backlog of undispatched steps is reported, in milliseconds. */
  RUNNER_REPORT_INTERVAL_MS: envPositiveInt(30_000),
  /** HMAC key for action webhooks; required in production. */
  ACTION_WEBHOOK_SECRET: z.string().min(16).optional(),
  /** Receiver for action steps that name no webhookUrl of their own. */
  ACTION_WEBHOOK_URL: z.url({ protocol: /^https?$/ }).optional(),
  ACTION_TIMEOUT_MS: envPositiveInt(10_000),
  /** OpenAI-compatible endpoint for agent steps. */
  AGENT_BASE_URL: z.url({ protocol: /^https?$/ }).default('https://api.openai.com/v1'),
  AGENT_API_KEY: z.string().optional(),
  AGENT_TIMEOUT_MS: envPositiveInt(30_000),
  /** {"model": {"inputPerMillionUsd": n, "outputPerMillionUsd": n}} */
  AGENT_PRICES_JSON: z.string().optional(),
  // Event subscriptions (docs/webhooks.md): the dispatcher in every runner.
  /** Attempts per delivery (and per replay) before it ends failed. */
  WEBHOOK_MAX_ATTEMPTS: envPositiveInt(DEFAULT_WEBHOOK_RETRY_POLICY.maxAttempts),
  /** Wait before the second attempt; doubles per attempt, with jitter. */
  WEBHOOK_BACKOFF_BASE_MS: envPositiveInt(DEFAULT_WEBHOOK_RETRY_POLICY.baseDelayMs),
  WEBHOOK_BACKOFF_MAX_MS: envPositiveInt(DEFAULT_WEBHOOK_RETRY_POLICY.maxDelayMs),
  WEBHOOK_TIMEOUT_MS: envPositiveInt(10_000),
  WEBHOOK_POLL_INTERVAL_MS: envPositiveInt(1000),
  /** Deliveries claimed (and sent concurrently) at once per runner. */
  WEBHOOK_BATCH_SIZE: envPositiveInt(20),
  /** Send to private and loopback addresses; default: yes outside production, no in production (SSRF). */
  WEBHOOK_ALLOW_PRIVATE_TARGETS: envOptionalBoolean(),
});

export type RunnerEnv = z.infer<typeof runnerEnvSchema> & { transport: 'kafka' | 'postgres'; actionSecret: string; agentPrices: ReturnType<typeof parsePriceTable>; webhookAllowPrivateTargets: boolean };

export function loadRunnerEnv(source: Record<string, string | undefined> = process.env): RunnerEnv {
  const env = parseEnv(runnerEnvSchema, source);
  const transport = env.RUNNER_TRANSPORT ?? (env.KAFKA_BROKERS.length > 0 ? 'kafka' : 'postgres');
  if (transport === 'kafka' && env.KAFKA_BROKERS.length === 0) throw new Error('Invalid environment: RUNNER_TRANSPORT=kafka needs KAFKA_BROKERS.');
  if (env.NODE_ENV === 'production' && !env.ACTION_WEBHOOK_SECRET) throw new Error('Invalid environment: ACTION_WEBHOOK_SECRET is required when NODE_ENV=production.');
  return {
    ...env,
    transport,
    actionSecret: env.ACTION_WEBHOOK_SECRET ?? DEVELOPMENT_ACTION_SECRET,
    agentPrices: parsePriceTable(env.AGENT_PRICES_JSON),
    webhookAllowPrivateTargets: env.WEBHOOK_ALLOW_PRIVATE_TARGETS ?? env.NODE_ENV !== 'production',
  };
}
