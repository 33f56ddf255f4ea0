import { createDataSource, findFreePort } from '@gatehouse/db';
import { createTestDatabase, type TestDatabase } from '@gatehouse/db/testing';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isDeepStrictEqual } from 'node:util';
import { afterAll, describe, expect, inject, it } from 'vitest';
// The built apps, as the image runs them.
import { kafkaUnavailableReason, startKafkaForTests } from '../../../apps/runner/dist/dev/kafka-mock-cluster.js';
import { verifyActionSignature } from '../../../apps/runner/dist/executors/action-webhook.js';
import { loadCompose } from './harness/compose.js';
import { ROOT } from './harness/platform.js';

type DataSource = ReturnType<typeof createDataSource>;

/*
 * The scale-out topology of docs/deployment.md, with the processes started directly instead of
 * by docker compose: every process gets its service's environment from deploy/docker-compose.yml
 * (secrets from deploy/.env.example), changed only where a container's address differs from a
 * local process's, plus three tunings for test time (listed in `TEST_TUNING`). A fresh database,
 * the migration job once, two APIs, two runners on one Kafka consumer group, an action receiver.
 * Runs are started through both APIs; one runner is SIGKILLed mid-batch; the other finishes.
 */
const EXECUTE_RUNS = 180;
const DRAFT_RUNS = 20;
/** Only timing changes: smaller batches (so a kill lands mid-batch) and a short Kafka session
 * (a killed runner's partitions move in seconds, not 30 s). */
const TEST_TUNING = { RUNNER_BATCH_SIZE: '8', KAFKA_SESSION_TIMEOUT_MS: '6000', RUNNER_POLL_INTERVAL_MS: '250' };

const kafkaUnavailable = kafkaUnavailableReason();
if (kafkaUnavailable) console.warn(`Skipping the scale-out test: ${kafkaUnavailable}.`);

interface Proc {
  name: string;
  child: ChildProcess;
  output(): string;
  /** stdout alone (bootstrap-admin prints its key there). */
  stdout(): string;
  exited: Promise<number | null>;
}

const procs: Proc[] = [];
const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const p of procs) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
});

function start(name: string, entry: string, env: Record<string, string>, args: string[] = []): Proc {
  const child = spawn(process.execPath, [path.join(ROOT, entry), ...args], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let stdout = '';
  child.stdout!.on('data', (c: Buffer) => {
    out += c.toString();
    stdout += c.toString();
  });
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const proc = { name, child, output: () => out, stdout: () => stdout, exited };
  procs.push(proc);
  return proc;
}

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs: number, context: () => string = () => ''): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe().catch(() => undefined);
    if (value) return value;
    await sleep(200);
  }
  throw new Error(`${what}: not within ${timeoutMs / 1000} s\n${context()}`);
}

/** An integrator's action endpoint: verifies the signature, records each call's idempotency key. */
async function startReceiver(secret: string): Promise<{ url: string; calls: Array<{ runId: string; key: string; valid: boolean }>; server: Server }> {
  const calls: Array<{ runId: string; key: string; valid: boolean }> = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const valid = verifyActionSignature({ secret, timestampHeader: req.headers['x-gatehouse-timestamp'], signatureHeader: req.headers['x-gatehouse-signature'], body });
      calls.push({ runId: (JSON.parse(body) as { runId: string }).runId, key: String(req.headers['idempotency-key']), valid });
      // Slow enough that a kill lands while actions are in flight.
      setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'), 20);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/actions`, calls, server };
}

const DEFINITION = (receiverUrl: string) => ({
  inputSchema: { type: 'object', required: ['message'] },
  steps: [
    { id: 'classify', kind: 'rules', field: '/message', rules: [{ label: 'refund', pattern: 'refund', confidence: 0.9 }], defaultLabel: 'other', defaultConfidence: 0.8 },
    { id: 'check', kind: 'validate', schema: { type: 'object', required: ['label'] }, minConfidence: 0.5 },
    { id: 'act', kind: 'action', action: 'tag_ticket', actionClass: 'reversible', webhookUrl: receiverUrl },
  ],
  boundary: { trigger: 't', allowedActions: [{ name: 'tag_ticket', actionClass: 'reversible', mode: 'may_execute' }], neverActions: [], handOffs: [] },
  approvalPolicy: { requireApprovalFor: ['irreversible'], minConfidence: 0.5 },
});

/**
 * A published workflow per stage, straight through the owner's connection (publishing through
 * the API takes an author and a separate change approver: not what this test is about). The
 * people and keys come the way an operator makes them (docs/deployment.md, "First start").
 */
async function seedWorkflows(owner: DataSource, receiverUrl: string, createdBy: string): Promise<void> {
  for (const [workflowKey, stage] of [['scale-execute', 'execute'], ['scale-draft', 'draft']] as const) {
    const [wf] = (await owner.query(`INSERT INTO workflows (key, name, rollout_stage, created_by) VALUES ($1, $1, $2, $3) RETURNING id::text AS id`, [workflowKey, stage, createdBy])) as Array<{ id: string }>;
    const [v] = (await owner.query(
      `INSERT INTO workflow_versions (workflow_id, version, status, definition, author_id, published_at) VALUES ($1, 1, 'published', $2::jsonb, $3, now()) RETURNING id::text AS id`,
      [wf!.id, JSON.stringify(DEFINITION(receiverUrl)), createdBy],
    )) as Array<{ id: string }>;
    await owner.query(`UPDATE workflows SET published_version_id = $1 WHERE id = $2`, [v!.id, wf!.id]);
  }
}

/** An integrator and their key, through the API with the bootstrap admin's key. */
async function integratorKey(apiUrl: string, adminKey: string): Promise<string> {
  const call = async (query: string) => {
    const res = await fetch(`${apiUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': adminKey }, body: JSON.stringify({ query }) });
    const body = (await res.json()) as { data?: Record<string, any>; errors?: unknown };
    if (!body.data) throw new Error(`${query}: ${res.status} ${JSON.stringify(body.errors)}`);
    return body.data;
  };
  await call(`mutation { createPrincipal(name: "Scale Integrator", email: "integrator@scale.test", role: integrator) { id } }`);
  return (await call(`mutation { createApiKey(name: "scale-out", principal: "integrator@scale.test") { secret } }`)).createApiKey.secret as string;
}

async function statusCounts(owner: DataSource): Promise<Record<string, number>> {
  const rows = (await owner.query(`SELECT w.key || ':' || r.status AS k, count(*)::int AS n FROM runs r JOIN workflows w ON w.id = r.workflow_id GROUP BY 1`)) as Array<{ k: string; n: number }>;
  return Object.fromEntries(rows.map((r) => [r.k, r.n]));
}

/** gatehouse_steps_processed_total summed over its labels, from one runner's /metrics. */
async function stepsProcessed(port: number, token: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { authorization: `Bearer ${token}` } })).text();
  return [...text.matchAll(/^gatehouse_steps_processed_total(?:\{[^}]*\})? (\d+(?:\.\d+)?)$/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
}

describe('scale-out: 2 APIs and 2 runners on one Kafka cluster and one PostgreSQL', () => {
  it.skipIf(kafkaUnavailable !== null)('processes runs started through both APIs exactly once, and survives losing a runner mid-batch', { timeout: 150_000 }, async () => {
    const compose = loadCompose();
    const [apiNames, runnerNames, [migrateName]] = [compose.gatehouse('api'), compose.gatehouse('runner'), compose.gatehouse('migrate')];
    expect([apiNames.length, runnerNames.length]).toEqual([2, 2]);

    // A fresh, empty database; the compose file's application login, with a name of its own
    // (logins are per server, and test files share one).
    const db: TestDatabase = await createTestDatabase(inject('gatehousePostgres'), { empty: true });
    const login = `gatehouse_scale_${randomBytes(4).toString('hex')}`;
    const appUrl = new URL(db.url);
    appUrl.username = login;
    appUrl.password = new URL(compose.env(migrateName!).DATABASE_URL!).password;
    const owner = createDataSource({ url: db.url, poolSize: 2 });
    cleanups.push(async () => {
      await owner.destroy();
      await db.drop();
      const admin = createDataSource({ url: db.url.replace(/\/[^/]+$/, '/postgres'), poolSize: 1 });
      await admin.initialize();
      await admin.query(`DROP ROLE IF EXISTS ${login}`);
      await admin.destroy();
    });
    const kafka = await startKafkaForTests();
    cleanups.push(() => kafka.stop());
    const secret = compose.env(runnerNames[0]!).ACTION_WEBHOOK_SECRET!;
    const receiver = await startReceiver(secret);
    cleanups.push(() => new Promise((resolve) => receiver.server.close(resolve)));

    // 1. The migration job, once (the image's `migrate`: `gatehouse migrate`): migrations as the
    //    owner, then the application login. Then the first admin, as the application login.
    const migrateEnv = { ...compose.env(migrateName!), DATABASE_URL: appUrl.toString(), DATABASE_MIGRATION_URL: db.url };
    const migrateJob = start('migrate', 'apps/cli/dist/gatehouse.js', migrateEnv, ['migrate']);
    expect(await migrateJob.exited, migrateJob.output()).toBe(0);
    expect(migrateJob.output()).toContain(`application login ${login} ready`);
    const bootstrap = start('bootstrap-admin', 'apps/cli/dist/gatehouse.js', { NODE_ENV: 'production', DATABASE_URL: appUrl.toString() }, ['bootstrap-admin', '--email', 'admin@scale.test', '--name', 'Scale Admin', '--json']);
    expect(await bootstrap.exited, bootstrap.output()).toBe(0);
    const admin = JSON.parse(bootstrap.stdout()) as { principal: { id: string }; key: string };
    await owner.initialize();
    await seedWorkflows(owner, receiver.url, admin.principal.id);

    // 2. Two APIs and two runners with their compose environments. The APIs get no owner URL.
    const apiUrls: string[] = [];
    for (const name of apiNames) {
      const port = await findFreePort();
      apiUrls.push(`http://127.0.0.1:${port}`);
      start(name, 'apps/api/dist/main.js', { ...compose.env(name), DATABASE_URL: appUrl.toString(), API_HOST: '127.0.0.1', API_PORT: String(port), LOG_LEVEL: 'warn' });
    }
    const metricsPorts: number[] = [];
    const runners: Proc[] = [];
    for (const name of runnerNames) {
      const port = await findFreePort();
      metricsPorts.push(port);
      runners.push(start(name, 'apps/runner/dist/main.js', { ...compose.env(name), ...TEST_TUNING, DATABASE_URL: appUrl.toString(), KAFKA_BROKERS: kafka.brokers.join(','), ACTION_WEBHOOK_URL: receiver.url, RUNNER_METRICS_HOST: '127.0.0.1', RUNNER_METRICS_PORT: String(port) }));
    }
    const logs = () => procs.map((p) => `--- ${p.name}\n${p.output().slice(-1500)}`).join('\n');
    for (const url of apiUrls) await until(`${url}/readyz`, async () => (await fetch(`${url}/readyz`)).status === 200, 30_000, logs);
    const apiKey = await integratorKey(apiUrls[0]!, admin.key);
    for (const r of runners) await until(`${r.name} consuming`, async () => r.output().includes('runner consuming step dispatches'), 30_000, logs);
    const token = compose.env(runnerNames[0]!).METRICS_TOKEN!;

    const startRun = async (api: string, workflowKey: string, i: number): Promise<string> => {
      const res = await fetch(`${api}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
        body: JSON.stringify({ query: `mutation ($k: String!, $i: JSON!, $idem: String!) { startRun(workflowKey: $k, input: $i, idempotencyKey: $idem) { run { id } } }`, variables: { k: workflowKey, i: { message: i % 2 ? 'refund please' : 'hello' }, idem: `${workflowKey}-${i}` } }),
      });
      const body = (await res.json()) as { data?: { startRun: { run: { id: string } } }; errors?: unknown };
      if (!body.data) throw new Error(`startRun on ${api}: ${res.status} ${JSON.stringify(body.errors)}`);
      return body.data.startRun.run.id;
    };

    // 3. Warm-up until the consumer group has settled and BOTH runners have done work (the
    //    mock cluster rebalances a few seconds after the second member joins).
    let warm = 0;
    await until(
      'both runners processing steps',
      async () => {
        await Promise.all(Array.from({ length: 4 }, (_, i) => startRun(apiUrls[i % 2]!, 'scale-execute', 10_000 + warm++)));
        const done = await Promise.all(metricsPorts.map((p) => stepsProcessed(p, token)));
        return done.every((n) => n > 0) && done;
      },
      60_000,
      logs,
    );

    // 4. The batch, spread over both APIs (round robin, as the proxy does).
    const started = { api0: 0, api1: 0 };
    const executeRuns: string[] = [];
    const batch = [
      ...Array.from({ length: EXECUTE_RUNS }, (_, i) => ({ workflow: 'scale-execute', i })),
      ...Array.from({ length: DRAFT_RUNS }, (_, i) => ({ workflow: 'scale-draft', i })),
    ];
    for (let from = 0; from < batch.length; from += 20) {
      await Promise.all(
        batch.slice(from, from + 20).map(async ({ workflow, i }, j) => {
          const which = (from + j) % 2;
          const id = await startRun(apiUrls[which]!, workflow, i);
          started[which ? 'api1' : 'api0'] += 1;
          if (workflow === 'scale-execute') executeRuns.push(id);
        }),
      );
    }
    expect(started).toEqual({ api0: 100, api1: 100 });

    // 5. Mid-batch, the first runner dies without a goodbye.
    const warmCompleted = warm;
    await until('actions in flight', async () => receiver.calls.length >= warmCompleted + 20, 60_000, logs);
    runners[0]!.child.kill('SIGKILL');
    await runners[0]!.exited;
    const atKill = await statusCounts(owner);
    const survivorAtKill = await stepsProcessed(metricsPorts[1]!, token);
    expect(atKill['scale-execute:completed'] ?? 0, 'the kill must land while work is left').toBeLessThan(EXECUTE_RUNS + warmCompleted);

    // 6. The other runner takes over the dead one's partitions and finishes everything.
    const expected = { 'scale-execute:completed': EXECUTE_RUNS + warm, 'scale-draft:waiting_approval': DRAFT_RUNS };
    let counts = atKill;
    await until('every run in its expected state', async () => isDeepStrictEqual((counts = await statusCounts(owner)), expected), 90_000, () => `${JSON.stringify(counts)}\n${logs()}`);
    // The rest was the survivor's work.
    expect(await stepsProcessed(metricsPorts[1]!, token)).toBeGreaterThan(survivorAtKill);

    // Each action reached the receiver under exactly one idempotency key, signed; none for drafts.
    const keys = new Map<string, Set<string>>();
    for (const c of receiver.calls) keys.set(c.runId, (keys.get(c.runId) ?? new Set()).add(c.key));
    for (const runId of executeRuns) expect([...(keys.get(runId) ?? [])], runId).toEqual([`${runId}:act:1`]);
    expect(keys.size).toBe(EXECUTE_RUNS + warm);
    expect(receiver.calls.every((c) => c.valid)).toBe(true);
    expect(await owner.query(`SELECT count(*)::int AS n FROM (SELECT run_id, step_id FROM step_attempts WHERE status = 'succeeded' GROUP BY 1, 2 HAVING count(*) > 1) d`)).toEqual([{ n: 0 }]);

    // The survivors stop gracefully.
    for (const p of procs.filter((p) => p !== runners[0] && p !== migrateJob && p !== bootstrap)) p.child.kill('SIGTERM');
    for (const p of procs.filter((p) => p !== runners[0] && p !== migrateJob && p !== bootstrap)) expect(await p.exited, `${p.name}\n${p.output().slice(-2000)}`).toBe(0);
  });
});
