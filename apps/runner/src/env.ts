import { commonEnvShape, envDatabaseUrl, envPositiveInt, parseEnv } from '@gatehouse/config';
import { z } from 'zod';

/** The runner's configuration, parsed once at start. */
export const runnerEnvSchema = z.object({
  ...commonEnvShape,
  /** The runner joins an existing database; `pnpm start` passes the embedded server's URL. */
  DATABASE_URL: envDatabaseUrl,
  DATABASE_POOL_SIZE: envPositiveInt(5),
  /** How often the backlog of undispatched steps is reported, in milliseconds. */
  RUNNER_REPORT_INTERVAL_MS: envPositiveInt(30_000),
});

export type RunnerEnv = z.infer<typeof runnerEnvSchema>;

export function loadRunnerEnv(source: Record<string, string | undefined> = process.env): RunnerEnv {
  return parseEnv(runnerEnvSchema, source);
}
