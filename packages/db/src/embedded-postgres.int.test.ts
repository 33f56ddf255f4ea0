import { spawn } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clearStaleLockFile, serverAccount } from './embedded-postgres-data-dir.js';
import { resolveDatabase, startEmbeddedPostgres, type RunningPostgres } from './embedded-postgres.js';
import { findFreePort } from './free-port.js';

async function query<T>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

async function postmasterPid(dataDir: string): Promise<number> {
  const lockFile = await readFile(path.join(dataDir, 'postmaster.pid'), 'utf8');
  return Number.parseInt(lockFile.split('\n')[0] ?? '', 10);
}

describe('embedded PostgreSQL', () => {
  let baseDir: string;
  let dataDir: string;
  let port: number;
  const started: RunningPostgres[] = [];

  beforeAll(async () => {
    baseDir = await mkdtemp(path.join(os.tmpdir(), 'gatehouse-embedded-test-'));
    await chmod(baseDir, 0o755); // as root the server runs as `postgres`, which must enter it
    dataDir = path.join(baseDir, 'pgdata');
    port = await findFreePort();
  });

  afterAll(async () => {
    for (const server of started) await server.stop();
    await rm(baseDir, { recursive: true, force: true });
  });

  it('keeps data across a stop and a start, and starts again after the server was killed', async () => {
    const first = await startEmbeddedPostgres({ dataDir, port, ephemeral: true });
    started.push(first);
    expect(first.url).toBe(`postgres://postgres:gatehouse@127.0.0.1:${port}/gatehouse`);
    await query(first.url, `CREATE TABLE survivors (name text); INSERT INTO survivors VALUES ('first')`);
    await first.stop();

    const errors: string[] = [];
    const second = await resolveDatabase(
      { GATEHOUSE_PG_DATA_DIR: dataDir, GATEHOUSE_PG_PORT: port },
      { onError: (line) => errors.push(line) },
    );
    expect(second.embedded).toBe(true);
    expect(await query(second.url, 'SELECT name FROM survivors')).toEqual([{ name: 'first' }]);
    await query(second.url, `INSERT INTO survivors VALUES ('second')`);

    // A crash leaves postmaster.pid behind; the next start must recover, not refuse.
    process.kill(await postmasterPid(dataDir), 'SIGKILL');
    await expect.poll(() => errors.some((e) => e.includes('exited unexpectedly'))).toBe(true);
    await second.stop(); // must return although the server is already gone

    const third = await startEmbeddedPostgres({ dataDir, port, ephemeral: true });
    started.push(third);
    const rows = await query<{ name: string }>(third.url, 'SELECT name FROM survivors ORDER BY name');
    expect(rows.map((r) => r.name)).toEqual(['first', 'second']);
  });

  it('refuses to start a second server on a data directory in use, naming its pid', async () => {
    const running = started.at(-1);
    expect(running).toBeDefined();
    const pid = await postmasterPid(dataDir);
    await expect(clearStaleLockFile(dataDir)).rejects.toThrow(`pid ${pid}`);
    await expect(startEmbeddedPostgres({ dataDir, port: 0 })).rejects.toThrow(/already running/);
  });

  it('removes a lock file whose pid now belongs to an unrelated process', async () => {
    await started.at(-1)?.stop();
    const lockFile = path.join(dataDir, 'postmaster.pid');
    // An unrelated live process of the server's own account (PostgreSQL ignores other users').
    const account = await serverAccount();
    const sleeper = spawn('sleep', ['30'], account ? { uid: account.uid, gid: account.gid } : {});
    try {
      await writeFile(lockFile, `${sleeper.pid}\n${dataDir}\n0\n${port}\n\n127.0.0.1\n0 0\nready\n`);
      const server = await startEmbeddedPostgres({ dataDir, port, ephemeral: true });
      started.push(server);
      expect(await query(server.url, 'SELECT count(*)::int AS n FROM survivors')).toEqual([{ n: 2 }]);
    } finally {
      sleeper.kill('SIGKILL');
    }
  });

  it('reports why the server did not start', async () => {
    await started.at(-1)?.stop();
    const squatter = net.createServer();
    await new Promise<void>((resolve) => squatter.listen(port, '127.0.0.1', resolve));
    try {
      await expect(startEmbeddedPostgres({ dataDir, port, ephemeral: true })).rejects.toThrow(
        /did not start on 127\.0\.0\.1:\d+ .*could not create any TCP\/IP sockets/,
      );
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
  });

  it('uses DATABASE_URL when set and starts nothing', async () => {
    const url = 'postgres://app:secret@db.internal:5432/gatehouse';
    const resolved = await resolveDatabase({ DATABASE_URL: url, GATEHOUSE_PG_DATA_DIR: '/nonexistent' });
    expect(resolved).toMatchObject({ url, embedded: false });
    await resolved.stop();
  });
});
