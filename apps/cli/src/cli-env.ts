import { commonEnvShape, databaseEnvShape, EnvValidationError, parseEnv } from '@gatehouse/config';
import { z } from 'zod';
import { CliError } from './cli-error.js';

/** Also the image's `migrate` job environment (deploy/docker-compose.yml; checked by tests/e2e deploy-files). */
export const cliEnvSchema = z.object({
  /** production: `migrate` refuses a privileged DATABASE_URL instead of deriving a login from it. */
  ...commonEnvShape,
  DATABASE_URL: databaseEnvShape.DATABASE_URL,
  DATABASE_MIGRATION_URL: databaseEnvShape.DATABASE_URL,
  GATEHOUSE_PG_DATA_DIR: databaseEnvShape.GATEHOUSE_PG_DATA_DIR,
  GATEHOUSE_PG_PORT: databaseEnvShape.GATEHOUSE_PG_PORT,
  GATEHOUSE_API_URL: z.url({ protocol: /^https?$/ }).default('http://127.0.0.1:4000'),
  GATEHOUSE_API_KEY: z.string().optional(),
});

export type CliEnv = z.infer<typeof cliEnvSchema>;

/** The CLI's environment, parsed once per command; a bad value is a BAD_ENVIRONMENT error naming it. */
export function loadCliEnv(source: Record<string, string | undefined>): CliEnv {
  try {
    return parseEnv(cliEnvSchema, source);
  } catch (error) {
    if (error instanceof EnvValidationError) throw new CliError('BAD_ENVIRONMENT', error.message);
    throw error;
  }
}
