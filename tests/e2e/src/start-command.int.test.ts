import { findFreePort } from '@gatehouse/db';
import { createTestDatabase, type TestDatabase } from '@gatehouse/db/testing';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, inject, it } from 'vitest';
// The runner's own helper for librdkafka's mock cluster, from its build.
import { kafkaUnavailableReason, startKafkaForTests } from '../../../apps/runner/dist/dev/kafka-mock-cluster.js';

/*
 * The README's start command as a user runs it (scripts/start.mjs on the built apps, here on a
 * test database instead of the embedded default): the demo workflows really process their
 * runs — some straight through, some to an approval, one to the exception queue — on the
 * default Postgres transport and, with KAFKA_BROKERS set, on Kafka.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const RUNS = `{ runs(first: 100) { edges { node { externalRef status workflow { key } steps { stepId status } } } } }`;
const EXPECTED = {
  'support-triage T-1001': 'waiting_approval',
  'support-triage T-1002': 'completed',
  'support-triage T-1003': 'waiting_approval',
  'support-triage T-1004': 'in_exception',
  'support-triage T-1005': 'completed',
  'invoice-approval INV-77': 'completed',
  'invoice-approval INV-78': 'completed',
};

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function gql(apiUrl: string, query: string): Promise<any> {
  const res = await fetch(`${apiUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': 'gh_dev_viewer' }, body: JSON.stringify({ query }) });
  const body = (await res.json()) as { data?: unknown; errors?: unknown };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

const kafkaUnavailable = kafkaUnavailableReason();
if (kafkaUnavailable) console.warn(`Skipping the start command on Kafka: ${kafkaUnavailable}.`);

describe.each([
  { transport: 'postgres', skip: false },
  { transport: 'kafka', skip: kafkaUnavailable !== null },
])('pnpm start ($transport transport)', ({ transport, skip }) => {
  it.skipIf(skip)('serves API, runner, demo action receiver and console, and processes the demo runs', async () => {
    const db: TestDatabase = await createTestDatabase(inject('gatehousePostgres'));
    cleanups.push(() => db.drop());
    const kafkaEnv: Record<string, string> = {};
    if (transport === 'kafka') {
      const kafka = await startKafkaForTests();
      cleanups.push(() => kafka.stop());
      Object.assign(kafkaEnv, { KAFKA_BROKERS: kafka.brokers.join(','), KAFKA_SESSION_TIMEOUT_MS: '6000' });
    }
    const [apiPort, actionsPort, consolePort] = [await findFreePort(), await findFreePort(), await findFreePort()];
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    const platform: ChildProcess = spawn(process.execPath, ['scripts/start.mjs'], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', DATABASE_URL: db.url, API_PORT: String(apiPort), DEMO_ACTIONS_PORT: String(actionsPort), CONSOLE_PORT: String(consolePort), LOG_LEVEL: 'warn', ...kafkaEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    platform.stdout!.on('data', (c: Buffer) => (output += c.toString()));
    platform.stderr!.on('data', (c: Buffer) => (output += c.toString()));
    const exited = new Promise<number | null>((resolve) => platform.once('exit', (code) => resolve(code)));
    cleanups.push(async () => {
      if (platform.exitCode === null && platform.signalCode === null) platform.kill('SIGKILL');
    });

    let states: Record<string, string> = {};
    let runs: any[] = [];
    const deadline = Date.now() + 90_000;
    while (Date.now() < deadline) {
      try {
        runs = (await gql(apiUrl, RUNS)).runs.edges.map((e: any) => e.node);
        states = Object.fromEntries(runs.map((r) => [`${r.workflow.key} ${r.externalRef}`, r.status]));
        if (JSON.stringify(Object.entries(states).sort()) === JSON.stringify(Object.entries(EXPECTED).sort())) break;
      } catch {
        // not up yet
      }
      await sleep(500);
    }
    expect(states, output.slice(-3000)).toEqual(EXPECTED);

    // The how-to ticket went straight through the route to the help article; the demo
    // receiver took the action (the start command's log shows it).
    const howTo = runs.find((r) => r.externalRef === 'T-1002');
    expect(howTo.steps.map((s: any) => `${s.stepId}:${s.status}`)).toEqual(['classify:succeeded', 'check:succeeded', 'branch:succeeded', 'send-article:succeeded']);
    await expect.poll(() => output, { timeout: 10_000 }).toMatch(/\[demo-actions\] send_help_article for run/);

    const page = await fetch(`http://127.0.0.1:${consolePort}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="root">');

    platform.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output).toContain('[gatehouse] stopped');
  });
});
