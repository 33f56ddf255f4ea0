import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm, statfs } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { type DataSource } from 'typeorm';
import { derivedAppLoginUrl, prepareAppLogin } from '../app-login.js';
import { createDataSource, runMigrations } from '../data-source.js';
import { startEmbeddedPostgres } from '../embedded-postgres.js';

/** What test files need to clone databases; serialisable, so a global setup can provide it. */
export interface TestPostgresContext {
  /** Connection string to a database on the server from which databases are created. */
  adminUrl: string;
  /** Migrated (and seeded) database every test database is cloned from. */
  templateName: string;
}

export interface TestPostgres extends TestPostgresContext {
  /** Drops the template (external server) or stops the embedded server and deletes its files. */
  stop(): Promise<void>;
}

export interface StartTestPostgresOptions {
  /** Use this server (e.g. CI's DATABASE_URL) instead of starting an embedded one. */
  databaseUrl?: string | undefined;
  /** Runs once on the template after the migrations, e.g. to insert dev principals. */
  seed?: (ds: DataSource) => Promise<void>;
  /**
   * Where the throwaway embedded cluster's temp directory goes. Default: /dev/shm when it is a
   * roomy tmpfs (CREATE DATABASE … TEMPLATE is ~20x faster there than on a disk), else the OS
   * temp dir.
   */
  tempParentDir?: string;
}

export interface TestDatabase {
  name: string;
  /** As the server's administrator, who owns the schema: for fixtures the application may not write. */
  url: string;
  /**
   * As the application logs in (the derived `gatehouse_api` login, only gatehouse_app's rights):
   * what the API's and the runner's pools use.
   */
  appUrl: string;
  /** Drops the database, closing any connection still open to it. */
  drop(): Promise<void>;
}

/**
 * For a test run's global setup: a server (DATABASE_URL's, or a throwaway embedded one on a free
 * port in a fresh temp directory) holding a template database with every migration applied.
 */
export async function startTestPostgres(options: StartTestPostgresOptions = {}): Promise<TestPostgres> {
  let adminUrl: string;
  let stopServer: () => Promise<void>;
  if (options.databaseUrl) {
    adminUrl = options.databaseUrl;
    stopServer = async () => undefined;
  } else {
    const parent = options.tempParentDir ?? (await fastTempParentDir());
    const baseDir = await mkdtemp(path.join(parent, 'gatehouse-test-pg-'));
    const removeBaseDir = () => rm(baseDir, { recursive: true, force: true });
    try {
      // mkdtemp makes it 0700; as root the server runs as `postgres`, which must enter it.
      await chmod(baseDir, 0o755);
      const server = await startEmbeddedPostgres({
        dataDir: path.join(baseDir, 'pgdata'),
        port: 0,
        database: 'postgres',
        password: 'postgres',
        ephemeral: true,
        // DROP DATABASE … WITH (FORCE) ends sessions a test left open; that is not a problem.
        onError: (line) => {
          if (!line.includes('terminating connection due to administrator command')) {
            process.stderr.write(`[test-postgres] ${line}\n`);
          }
        },
      });
      adminUrl = server.adminUrl;
      stopServer = async () => {
        await server.stop();
        await removeBaseDir();
      };
    } catch (error) {
      await removeBaseDir();
      throw error;
    }
  }

  const templateName = `gatehouse_template_${randomBytes(6).toString('hex')}`;
  const dropTemplate = () => dropDatabase(adminUrl, templateName);
  try {
    await adminQuery(adminUrl, `CREATE DATABASE ${quoteIdent(templateName)}`);
    const ds = createDataSource({ url: withDatabase(adminUrl, templateName), poolSize: 2 });
    await ds.initialize();
    try {
      await runMigrations(ds);
      // The application's login (cluster-wide, like the API creates it at start): test databases
      // cloned from the template are reached through it at `appUrl`.
      await prepareAppLogin(ds, { databaseUrl: withDatabase(adminUrl, templateName), production: false });
      await options.seed?.(ds);
    } finally {
      await ds.destroy();
    }
    // Nobody may connect to the template: one stray session would block every clone.
    await adminQuery(adminUrl, `ALTER DATABASE ${quoteIdent(templateName)} WITH ALLOW_CONNECTIONS false`);
  } catch (error) {
    await dropTemplate().catch(() => undefined);
    await stopServer();
    throw error;
  }

  return {
    adminUrl,
    templateName,
    async stop() {
      if (options.databaseUrl) await dropTemplate();
      await stopServer();
    },
  };
}

/**
 * A fresh database for one test file: a clone of the migrated template (milliseconds), or an
 * empty one with `{ empty: true }` for tests of the migrations themselves.
 */
export async function createTestDatabase(
  context: TestPostgresContext,
  options: { empty?: boolean } = {},
): Promise<TestDatabase> {
  const name = `t_${randomBytes(8).toString('hex')}`;
  const template = options.empty ? '' : ` TEMPLATE ${quoteIdent(context.templateName)}`;
  await adminQuery(context.adminUrl, `CREATE DATABASE ${quoteIdent(name)}${template}`);
  const url = withDatabase(context.adminUrl, name);
  return {
    name,
    url,
    appUrl: derivedAppLoginUrl(url),
    drop: () => dropDatabase(context.adminUrl, name),
  };
}

/** /dev/shm when it exists with at least 1 GiB free (Docker's default 64 MB is too small). */
async function fastTempParentDir(): Promise<string> {
  try {
    const fs = await statfs('/dev/shm');
    if (fs.bavail * fs.bsize >= 1024 ** 3) return '/dev/shm';
  } catch {
    // not Linux, or no /dev/shm
  }
  return os.tmpdir();
}

function dropDatabase(adminUrl: string, name: string): Promise<void> {
  return adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
}

async function adminQuery(adminUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl, application_name: 'gatehouse-test' });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
