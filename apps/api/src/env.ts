import { commonEnvShape, databaseEnvShape, envBoolean, envPort, envPositiveInt, parseEnv } from '@gatehouse/config';
import { z } from 'zod';

/** The API's whole configuration, parsed once at start; nothing else reads process.env. */
export const apiEnvSchema = z.object({
  ...commonEnvShape,
  ...databaseEnvShape,
  API_HOST: z.string().default('127.0.0.1'),
  API_PORT: envPort(4000),
  /** Seed the demo workflows and runs on start (development default). */
  SEED_DEMO_DATA: envBoolean(true),
  /** Seed the per-role development principals and their fixed API keys. Never in production. */
  SEED_DEV_PRINCIPALS: envBoolean(true),
  /** Largest accepted request body, in kilobytes. */
  API_BODY_LIMIT_KB: envPositiveInt(512),
  /** How long SIGTERM waits for in-flight requests before closing anyway. */
  SHUTDOWN_GRACE_MS: envPositiveInt(10_000),
  /** How often cost per run is checked against each workflow's baseline (cost drift alerts); 0 disables. */
  COST_DRIFT_CHECK_INTERVAL_MS: z.coerce.number({ message: 'must be a number' }).int('must be a whole number').min(0, 'must be 0 (off) or more').default(60_000),
  /** How often the metrics rollups are brought up to date (reads are exact either way); 0 disables. */
  METRICS_REFRESH_INTERVAL_MS: z.coerce.number({ message: 'must be a number' }).int('must be a whole number').min(0, 'must be 0 (off) or more').default(5_000),
});

export type ApiEnv = z.infer<typeof apiEnvSchema>;

export function loadApiEnv(source: Record<string, string | undefined> = process.env): ApiEnv {
  const env = parseEnv(apiEnvSchema, source);
  if (env.NODE_ENV === 'production' && env.SEED_DEV_PRINCIPALS) {
    throw new Error('Invalid environment: SEED_DEV_PRINCIPALS must be false when NODE_ENV=production (development keys are public).');
  }
  return env;
}
