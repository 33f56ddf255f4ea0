import { APP_DATABASE_ROLE, createDataSource, resolveDatabase } from '@gatehouse/db';
import pg from 'pg';
import { type DataSource } from 'typeorm';
import { type CliEnv } from './cli-env.js';
import { CliError } from './cli-error.js';

export interface CliDatabase {
  ds: DataSource;
  close(): Promise<void>;
}

/**
 * read: the application role, every transaction read-only (audit); write: the application role,
 * as the API and the runner act (dead-letter replay: its grants are theirs, it cannot rewrite
 * audit history); owner: the login of DATABASE_MIGRATION_URL (else DATABASE_URL), for migrations.
 */
export type CliDatabaseAccess = 'read' | 'write' | 'owner';

/**
 * A connection to DATABASE_URL, or else to the embedded default `pnpm start` uses: the running
 * server when there is one, otherwise started on its data directory for the duration of the command.
 */
export async function openCliDatabase(env: CliEnv, access: CliDatabaseAccess): Promise<CliDatabase> {
  const configured = access === 'owner' ? (env.DATABASE_MIGRATION_URL ?? env.DATABASE_URL) : env.DATABASE_URL;
  const running = configured ? null : await runningEmbeddedUrl(env.GATEHOUSE_PG_PORT);
  const database = running
    ? { url: running, stop: async () => undefined }
    : await resolveDatabase({ ...env, DATABASE_URL: configured }).catch((error: Error) => {
        throw new CliError('DATABASE_UNAVAILABLE', `could not start the embedded PostgreSQL: ${error.message}`);
      });
  const ds = createDataSource({
    url: database.url,
    poolSize: 1,
    ...(access === 'owner' ? {} : { role: APP_DATABASE_ROLE }),
    ...(access === 'read' ? { readOnly: true } : {}),
  });
  try {
    await ds.initialize();
  } catch (error) {
    await database.stop();
    const { code, message } = error as { code?: string; message: string };
    // 22023: the role named at connect does not exist, i.e. the grants migration never ran.
    if (code === '22023' || /role .* does not exist/.test(message)) {
      throw new CliError('NOT_MIGRATED', `role ${APP_DATABASE_ROLE} does not exist: run the migrations first (gatehouse migrate)`);
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
