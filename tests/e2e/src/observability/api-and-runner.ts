import { findFreePort } from '@gatehouse/db';
import { createTestDatabase, type TestDatabase } from '@gatehouse/db/testing';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { inject } from 'vitest';
import { ROOT } from '../harness/platform.js';

export interface ReceivedAction {
  headers: IncomingHttpHeaders;
  body: { action: string; runId: string; stepId: string };
}

export interface ApiAndRunner {
  apiUrl: string;
  runnerMetricsUrl: string;
  /** What the action receiver was sent. */
  actions: ReceivedAction[];
  /** Parsed JSON log lines of the runner process. */
  runnerLogs(): Array<Record<string, unknown>>;
  gql<T = unknown>(apiKey: string, query: string, variables?: Record<string, unknown>): Promise<T>;
  stop(): Promise<void>;
}

interface Child {
  child: ChildProcess;
  output: () => string;
}

function start(script: string, env: Record<string, string>): Child {
  const child = spawn(process.execPath, [script], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  return { child, output: () => out };
}

async function stopChild({ child }: Child): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  await exited;
  clearTimeout(timer);
}

/**
 * The built API and runner processes (apps/*\/dist/main.js, as deployed) on a fresh test
 * database, with the demo seeded, an action receiver that records headers, and `env` for both
 * (e.g. tracing). Resolves once the API answers and the runner consumes.
 */
export async function startApiAndRunner(env: Record<string, string>): Promise<ApiAndRunner> {
  const db: TestDatabase = await createTestDatabase(inject('gatehousePostgres'));
  const actions: ReceivedAction[] = [];
  const receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      actions.push({ headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as ReceivedAction['body'] });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const [apiPort, metricsPort] = [await findFreePort(), await findFreePort()];
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const api = start('apps/api/dist/main.js', { DATABASE_URL: db.url, API_PORT: String(apiPort), LOG_LEVEL: 'warn', SHUTDOWN_GRACE_MS: '5000', ...env });
  const children: Child[] = [api];

  const gql = async <T,>(apiKey: string, query: string, variables: Record<string, unknown> = {}): Promise<T> => {
    const res = await fetch(`${apiUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': apiKey }, body: JSON.stringify({ query, variables }) });
    const body = (await res.json()) as { data?: T; errors?: unknown };
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body.data as T;
  };
  const stop = async () => {
    for (const c of children.reverse()) await stopChild(c);
    await new Promise((resolve) => receiver.close(resolve));
    await db.drop();
  };

  try {
    for (let i = 0; ; i++) {
      if (api.child.exitCode !== null) throw new Error(`the API exited:\n${api.output()}`);
      if ((await fetch(`${apiUrl}/readyz`).then((r) => r.status, () => 0)) === 200) break;
      if (i > 300) throw new Error(`the API did not get ready:\n${api.output()}`);
      await sleep(100);
    }
    const runner = start('apps/runner/dist/main.js', {
      DATABASE_URL: db.url,
      ACTION_WEBHOOK_URL: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/actions`,
      RUNNER_POLL_INTERVAL_MS: '200',
      RUNNER_METRICS_PORT: String(metricsPort),
      RUNNER_METRICS_SAMPLE_INTERVAL_MS: '200',
      LOG_LEVEL: 'debug',
      ...env,
    });
    children.push(runner);
    for (let i = 0; !runner.output().includes('runner consuming step dispatches'); i++) {
      if (runner.child.exitCode !== null || i > 300) throw new Error(`the runner did not start:\n${runner.output()}`);
      await sleep(100);
    }
    return {
      apiUrl,
      runnerMetricsUrl: `http://127.0.0.1:${metricsPort}/metrics`,
      actions,
      runnerLogs: () => runner.output().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>),
      gql,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
