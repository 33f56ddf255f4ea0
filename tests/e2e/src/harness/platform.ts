import { findFreePort } from '@gatehouse/db';
import { createTestDatabase } from '@gatehouse/db/testing';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';

/*
 * The whole platform exactly as the README's start command runs it (scripts/start.mjs on the
 * built apps: API, runner, demo action receiver, console via `vite preview`), on a fresh test
 * database instead of the embedded default, on free ports.
 */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

/** The seeded demo runs and the state the runner brings each to (see the API's demo seed). */
export const DEMO_RUN_STATES: Record<string, string> = {
  'support-triage T-1001': 'waiting_approval',
  'support-triage T-1002': 'completed',
  'support-triage T-1003': 'waiting_approval',
  'support-triage T-1004': 'in_exception',
  'support-triage T-1005': 'completed',
  'invoice-approval INV-77': 'completed',
  'invoice-approval INV-78': 'completed',
};

const DEMO_RUNS = `{ runs(first: 100) { edges { node { externalRef status workflow { key } } } } }`;

interface DemoRuns {
  runs: { edges: Array<{ node: { externalRef: string; status: string; workflow: { key: string } } }> };
}

export interface Platform {
  readonly apiUrl: string;
  readonly consoleUrl: string;
  /** Everything the start command printed so far (the demo receiver logs each action it takes). */
  output(): string;
  /** A GraphQL request as `apiKey`; throws on GraphQL errors. */
  gql<T = unknown>(apiKey: string, query: string, variables?: Record<string, unknown>): Promise<T>;
  /** SIGTERM, then the exit code; drops the database. */
  stop(): Promise<number | null>;
}

export interface PlatformOptions {
  /** Extra environment (e.g. KAFKA_BROKERS). */
  readonly env?: Record<string, string>;
  /** Wait until the demo runs reached DEMO_RUN_STATES (default true). */
  readonly waitForDemoRuns?: boolean;
}

export async function startPlatform(options: PlatformOptions = {}): Promise<Platform> {
  const db = await createTestDatabase(inject('gatehousePostgres'));
  const [apiPort, actionsPort, consolePort] = [await findFreePort(), await findFreePort(), await findFreePort()];
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const consoleUrl = `http://127.0.0.1:${consolePort}`;
  const child = spawn(process.execPath, ['scripts/start.mjs'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      DATABASE_URL: db.url,
      API_PORT: String(apiPort),
      DEMO_ACTIONS_PORT: String(actionsPort),
      CONSOLE_PORT: String(consolePort),
      LOG_LEVEL: 'warn',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  async function gql<T>(apiKey: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const res = await fetch(`${apiUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as { data?: T; errors?: unknown };
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body.data as T;
  }

  let stopped: Promise<number | null> | undefined;
  const platform: Platform = {
    apiUrl,
    consoleUrl,
    output: () => output,
    gql,
    stop: () =>
      (stopped ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
        const code = await exited;
        clearTimeout(timer);
        process.off('exit', killOnExit);
        await db.drop();
        return code;
      })()),
  };

  try {
    const deadline = Date.now() + 90_000;
    let states: Record<string, string> = {};
    let consoleUp = false;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`the start command exited (${child.exitCode}):\n${output.slice(-3000)}`);
      try {
        consoleUp ||= (await fetch(consoleUrl)).ok;
        if (options.waitForDemoRuns === false) {
          await gql('gh_dev_viewer', '{ me { id } }');
          if (consoleUp) return platform;
        } else {
          const data = await gql<DemoRuns>('gh_dev_viewer', DEMO_RUNS);
          states = Object.fromEntries(data.runs.edges.map(({ node: r }) => [`${r.workflow.key} ${r.externalRef}`, r.status]));
          const settled = Object.entries(DEMO_RUN_STATES).every(([run, state]) => states[run] === state);
          if (settled && consoleUp) return platform;
        }
      } catch {
        // not up yet
      }
      await sleep(300);
    }
    throw new Error(`the platform did not settle in 90 s; demo runs: ${JSON.stringify(states)}; console up: ${consoleUp}\n${output.slice(-3000)}`);
  } catch (error) {
    await platform.stop();
    throw error;
  }
}
