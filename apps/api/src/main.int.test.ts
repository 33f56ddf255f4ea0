import { createDataSource } from '@gatehouse/db';
import { createTestDatabase, type TestDatabase } from '@gatehouse/db/testing';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { KEYS } from './test/fixtures.js';

/*
 * The real process: `node --import tsx src/main.ts`, configured only through its environment,
 * on a fresh database. Started, checked, stopped with SIGTERM, then started again on the same
 * database to show that start-up (migrations, seeding) is idempotent.
 */
const API_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

interface ApiProcess {
  child: ChildProcess;
  /** Parsed JSON log lines from stdout. */
  logs: Array<Record<string, any>>;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

let db: TestDatabase;
const started: ApiProcess[] = [];

async function freePort(): Promise<number> {
  const server = net.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

function startApiProcess(port: number, extraEnv: Record<string, string> = {}): ApiProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: API_DIR,
    env: {
      ...process.env,
      // Not 'test' (vitest's): libraries such as Apollo behave differently under it.
      NODE_ENV: 'development',
      DATABASE_URL: db.url,
      API_HOST: '127.0.0.1',
      API_PORT: String(port),
      SEED_DEMO_DATA: 'true',
      SEED_DEV_PRINCIPALS: 'true',
      LOG_LEVEL: 'info',
      // A hung shutdown shows up as exit code 1 after this, well inside the test timeout.
      SHUTDOWN_GRACE_MS: '5000',
      ...extraEnv,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Array<Record<string, any>> = [];
  let pending = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop()!;
    for (const line of lines) if (line.trim()) logs.push(JSON.parse(line) as Record<string, any>);
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    // 'close', not 'exit': 'exit' can come before the last stdout chunk (the 'stopped' line) is read.
    child.once('close', (code, signal) => resolve({ code, signal }));
  });
  const api = { child, logs, stderr: () => stderr, exited };
  started.push(api);
  return api;
}

async function waitUntilReady(api: ApiProcess, baseUrl: string): Promise<void> {
  let exitedEarly = false;
  void api.exited.then(() => (exitedEarly = true));
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (exitedEarly) throw new Error(`API exited before it was ready: ${api.stderr()}`);
    const ready = await fetch(`${baseUrl}/readyz`).then((r) => r.status, () => 0);
    if (ready === 200) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`API not ready within 15 s: ${api.stderr()}`);
}

async function gql(baseUrl: string, key: string, query: string): Promise<any> {
  const res = await fetch(`${baseUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': key }, body: JSON.stringify({ query }) });
  const body = (await res.json()) as { data: any; errors?: unknown };
  expect(body.errors).toBeUndefined();
  return body.data;
}

async function stop(api: ApiProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  api.child.kill('SIGTERM');
  return api.exited;
}

const DEMO = `{
  workflows { key rolloutStage publishedVersion { version } }
  approvals { edges { node { status stepId } } }
  exceptionQueue { edges { node { status reason } } }
  runs(first: 100) { edges { node { id status } } }
}`;
const CHAIN = `{ verifyAuditChain { ok checked headHash } }`;

beforeAll(async () => {
  db = await createTestDatabase(inject('gatehousePostgres'));
});

/** The logins of the API's pooled connections to the test database, as the superuser sees them. */
async function poolLogins(): Promise<string[]> {
  const owner = createDataSource({ url: db.url, poolSize: 1 });
  await owner.initialize();
  try {
    const rows = (await owner.query(`SELECT DISTINCT usename FROM pg_stat_activity WHERE datname = $1 AND application_name = 'gatehouse' AND pid <> pg_backend_pid()`, [db.name])) as Array<{ usename: string }>;
    return rows.map((r) => r.usename);
  } finally {
    await owner.destroy();
  }
}
afterAll(async () => {
  for (const api of started) if (api.child.exitCode === null && api.child.signalCode === null) api.child.kill('SIGKILL');
  await db.drop();
});

describe('the API process', () => {
  it('starts, seeds the demo, stops cleanly on SIGTERM, and restarts idempotently', async () => {
    // First start: migrations already applied (cloned template); demo data seeded.
    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    const first = startApiProcess(port);
    await waitUntilReady(first, baseUrl);
    expect(first.logs.find((l) => l.msg === 'demo data seeded')).toMatchObject({ workflows: 2, runs: 7 });
    expect(first.logs.find((l) => l.msg === 'Gatehouse API listening')).toMatchObject({ url: `${baseUrl}/graphql` });

    // Given the superuser's URL outside production, the pool logs in as the derived application
    // login, never as the superuser (docs/security.md, "Audit integrity").
    expect(first.logs.find((l) => l.msg === 'application database login ready')).toMatchObject({ login: 'gatehouse_api', derived: true });
    expect(await poolLogins()).toEqual(['gatehouse_api']);

    const demo = await gql(baseUrl, KEYS.viewer, DEMO);
    expect(demo.workflows.map((w: any) => w.key).sort()).toEqual(['invoice-approval', 'support-triage']);
    expect(demo.workflows.find((w: any) => w.key === 'support-triage')).toMatchObject({ rolloutStage: 'execute', publishedVersion: { version: 1 } });
    // Without a runner the demo runs wait in the queue with their first step dispatched; the
    // start command's end-to-end test shows the runner taking them on.
    expect(demo.runs.edges.map((e: any) => e.node.status)).toEqual(Array(7).fill('queued'));
    expect(demo.approvals.edges).toEqual([]);
    expect(demo.exceptionQueue.edges).toEqual([]);
    const chain = (await gql(baseUrl, KEYS.admin, CHAIN)).verifyAuditChain;
    expect(chain.ok).toBe(true);

    expect(await stop(first)).toEqual({ code: 0, signal: null });
    expect(first.logs.find((l) => l.msg === 'shutting down: draining in-flight requests')).toMatchObject({ signal: 'SIGTERM' });
    // The last lifecycle line is 'stopped' (a request's own completion line may be flushed after
    // it when its socket closes during the drain).
    expect(first.logs.filter((l) => !l.req && !l.res).at(-1)).toMatchObject({ msg: 'stopped', level: 30, name: 'gatehouse-api' });
    await expect(fetch(`${baseUrl}/healthz`)).rejects.toThrow();

    // Second start on the same database: nothing is seeded twice and history is untouched.
    const second = startApiProcess(port);
    await waitUntilReady(second, baseUrl);
    expect(second.logs.find((l) => l.msg === 'migrations applied')).toMatchObject({ applied: 0 });
    expect(second.logs.some((l) => l.msg === 'demo data seeded')).toBe(false);
    const again = await gql(baseUrl, KEYS.viewer, DEMO);
    expect(again.workflows).toHaveLength(2);
    expect(again.runs.edges.map((e: any) => e.node.id).sort()).toEqual(demo.runs.edges.map((e: any) => e.node.id).sort());
    expect((await gql(baseUrl, KEYS.admin, CHAIN)).verifyAuditChain).toEqual(chain);

    expect(await stop(second)).toEqual({ code: 0, signal: null });
    expect(second.logs.filter((l) => !l.req && !l.res).at(-1)?.msg).toBe('stopped');
  });

  it('refuses to start in production when DATABASE_URL is a privileged login', async () => {
    const api = startApiProcess(await freePort(), { NODE_ENV: 'production', SEED_DEV_PRINCIPALS: 'false', SEED_DEMO_DATA: 'false' });
    expect((await api.exited).code).toBe(1);
    expect(api.stderr()).toMatch(/DATABASE_URL logs in as "postgres", which is a superuser or may create roles.*DATABASE_MIGRATION_URL/);
  });
});
