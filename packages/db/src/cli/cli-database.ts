import { databaseEnvShape, EnvValidationError, parseEnv } from '@gatehouse/config';
import pg from 'pg';
import { type DataSource } from 'typeorm';
import { z } from 'zod';
import { APP_DATABASE_ROLE } from '../app-role.js';
import { createDataSource } from '../data-source.js';
import { resolveDatabase } from '../embedded-postgres.js';
import { CliError } from './cli-error.js';

const cliEnvSchema = z.object({
  DATABASE_URL: databaseEnvShape.DATABASE_URL,
  GATEHOUSE_PG_DATA_DIR: databaseEnvShape.GATEHOUSE_PG_DATA_DIR,
  GATEHOUSE_PG_PORT: databaseEnvShape.GATEHOUSE_PG_PORT,
});

export interface CliDatabase {
  ds: DataSource;
  close(): Promise<void>;
}

/**
 * A read-only connection as the application role, to DATABASE_URL or else to the embedded
 * default `pnpm start` uses: the running server when there is one, otherwise started on its
 * data directory for the duration of the command.
 */
export async function openCliDatabase(source: Record<string, string | undefined> = process.env): Promise<CliDatabase> {
  let env: z.infer<typeof cliEnvSchema>;
  try {
    env = parseEnv(cliEnvSchema, source);
  } catch (error) {
    if (error instanceof EnvValidationError) throw new CliError('BAD_ENVIRONMENT', error.message);
    throw error;
  }
  const running = env.DATABASE_URL ? null : await runningEmbeddedUrl(env.GATEHOUSE_PG_PORT);
  const database = running
    ? { url: running, stop: async () => undefined }
    : await resolveDatabase(env).catch((error: Error) => {
        throw new CliError('DATABASE_UNAVAILABLE', `could not start the embedded PostgreSQL: ${error.message}`);
      });
  const ds = createDataSource({ url: database.url, poolSize: 1, role: APP_DATABASE_ROLE, readOnly: true });
  try {
    await ds.initialize();
  } catch (error) {
    await database.stop();
    const { code, message } = error as { code?: string; message: string };
    // 22023: the role named at connect does not exist, i.e. the grants migration never ran.
    if (code === '22023' || /role .* does not exist/.test(message)) {
      throw new CliError('NOT_MIGRATED', `role ${APP_DATABASE_ROLE} does not exist: run the migrations first (start the API once)`);
    }
    throw new CliError('DATABASE_UNAVAILABLE', `could not connect to PostgreSQL: ${message}`);
  }
  return {
    ds,
    close: async () => {
      await ds.destroy();
      await database.stop();
    },
  };
}

/** The embedded default's URL when a server (e.g. `pnpm start`'s) already answers on the port. */
async function runningEmbeddedUrl(port: number): Promise<string | null> {
  const url = `postgres://postgres:gatehouse@127.0.0.1:${port}/gatehouse`;
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return url;
  } catch {
    return null;
  } finally {
    await client.end().catch(() => undefined);
  }
}
