import { createDataSource, verifyAuditChain } from '@gatehouse/db';
import { createTestDatabase, type TestDatabase } from '@gatehouse/db/testing';
import type { WorkflowDefinition } from '@gatehouse/domain';
import { setTimeout as sleep } from 'node:timers/promises';
import { isDeepStrictEqual } from 'node:util';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startActionReceiver, type ActionReceiver } from '../test/action-receiver.js';
import { seedWorkflow, startRun } from '../test/fixtures.js';
import { kafkaUnavailableReason, startKafkaForTests } from '../dev/kafka-mock-cluster.js';
import { spawnRunner, type RunnerProcess } from '../test/runner-process.js';

/*
 * Fault test: real runner processes are SIGKILLed again and again while a batch of runs is in
 * flight (actions answer slowly, so kills land mid-step). Afterwards every run must be exactly
 * where it belongs, and the receiver must have seen each action under exactly one key.
 */
const SECRET = 'fault-test-secret-0123456789';
const EXECUTE_RUNS = 80;
const DRAFT_RUNS = 20;
const KILLS = 4;

function definition(receiverUrl: string): WorkflowDefinition {
  return {
    inputSchema: { type: 'object', required: ['message'] },
    steps: [
      { id: 'classify', kind: 'rules', field: '/message', rules: [{ label: 'refund', pattern: 'refund', confidence: 0.9 }], defaultLabel: 'other', defaultConfidence: 0.8 },
      { id: 'check', kind: 'validate', schema: { type: 'object', required: ['label'] }, minConfidence: 0.5 },
      { id: 'act', kind: 'action', action: 'tag_ticket', actionClass: 'reversible', webhookUrl: receiverUrl },
    ],
    boundary: { trigger: 't', allowedActions: [{ name: 'tag_ticket', actionClass: 'reversible', mode: 'may_execute' }], neverActions: [], handOffs: [] },
    approvalPolicy: { requireApprovalFor: ['irreversible'], minConfidence: 0.5 },
  };
}

async function statusCounts(ds: DataSource): Promise<Record<string, number>> {
  const rows = (await ds.query(`SELECT w.key || ':' || r.status AS k, count(*)::int AS n FROM runs r JOIN workflows w ON w.id = r.workflow_id GROUP BY 1`)) as Array<{ k: string; n: number }>;
  return Object.fromEntries(rows.map((r) => [r.k, r.n]));
}

const kafkaUnavailable = kafkaUnavailableReason();
if (kafkaUnavailable) console.warn(`Skipping the Kafka runner-crash test: ${kafkaUnavailable}.`);

describe.each([
  { transport: 'postgres' as const, skip: false },
  { transport: 'kafka' as const, skip: kafkaUnavailable !== null },
])('runner crashes on the $transport transport', ({ transport, skip }) => {
  let db: TestDatabase;
  let ds: DataSource;
  let receiver: ActionReceiver;
  let stopKafka: (() => Promise<void>) | null = null;
  let brokers = '';
  const alive: RunnerProcess[] = [];

  beforeAll(async () => {
    if (skip) return;
    db = await createTestDatabase(inject('gatehousePostgres'));
    ds = createDataSource({ url: db.url, poolSize: 3 });
    await ds.initialize();
    receiver = await startActionReceiver(SECRET);
    if (transport === 'kafka') {
      const kafka = await startKafkaForTests();
      brokers = kafka.brokers.join(',');
      stopKafka = kafka.stop;
    }
  });
  afterAll(async () => {
    for (const r of alive) r.child.kill('SIGKILL');
    await receiver?.close();
    await ds?.destroy();
    await db?.drop();
    await stopKafka?.();
  });

  const runnerEnv = () => ({
    DATABASE_URL: db.url,
    ACTION_WEBHOOK_SECRET: SECRET,
    RUNNER_TRANSPORT: transport,
    RUNNER_BATCH_SIZE: '4',
    RUNNER_LEASE_MS: '1500',
    RUNNER_POLL_INTERVAL_MS: '200',
    DATABASE_POOL_SIZE: '3',
    ...(transport === 'kafka' ? { KAFKA_BROKERS: brokers, KAFKA_SESSION_TIMEOUT_MS: '3000', KAFKA_GROUP_ID: 'fault-test' } : {}),
  });

  it.skipIf(skip)('brings every run to its correct state with each action sent under exactly one key', { timeout: 150_000 }, async () => {
    const execute = await seedWorkflow(ds, 'crash-execute', definition(receiver.url), 'execute');
    const draft = await seedWorkflow(ds, 'crash-draft', definition(receiver.url), 'draft');
    const executeRuns = await Promise.all(Array.from({ length: EXECUTE_RUNS }, (_, i) => startRun(ds, execute, { message: i % 2 ? 'refund please' : 'hello' })));
    await Promise.all(Array.from({ length: DRAFT_RUNS }, () => startRun(ds, draft, { message: 'refund' })));
    receiver.delayMs = 150;

    for (let kill = 0; kill < KILLS; kill++) {
      const runner = spawnRunner(runnerEnv());
      alive.push(runner);
      await runner.ready;
      await sleep(150 + Math.random() * 400);
      runner.child.kill('SIGKILL');
      await runner.exited;
    }
    const progressBeforeRecovery = await statusCounts(ds);
    // The kills must have landed while work was in flight, or this test proves nothing.
    expect(progressBeforeRecovery['crash-execute:completed'] ?? 0).toBeLessThan(EXECUTE_RUNS);

    // Two runners recover the rest together, then stop gracefully.
    const survivors = [spawnRunner(runnerEnv()), spawnRunner(runnerEnv())];
    alive.push(...survivors);
    const expected = { 'crash-execute:completed': EXECUTE_RUNS, 'crash-draft:waiting_approval': DRAFT_RUNS };
    const deadline = Date.now() + 100_000;
    let counts = await statusCounts(ds);
    while (!isDeepStrictEqual(counts, expected) && Date.now() < deadline) {
      await sleep(250);
      counts = await statusCounts(ds);
    }
    expect(counts, `before recovery: ${JSON.stringify(progressBeforeRecovery)}`).toEqual(expected);
    for (const s of survivors) s.child.kill("SIGTERM");
    for (const s of survivors) expect((await s.exited).code, s.output().slice(-2000)).toBe(0);

    // Exactly-once effects: one key per executed run, none for the draft runs.
    const keys = receiver.keysByRun();
    for (const runId of executeRuns) expect([...(keys.get(runId) ?? [])], `run ${runId}`).toEqual([`${runId}:act:1`]);
    expect(keys.size).toBe(EXECUTE_RUNS);
    expect(receiver.received.every((r) => r.signatureValid)).toBe(true);

    // Each step succeeded exactly once per run; each draft run has one pending approval.
    const succeeded = (await ds.query(
      `SELECT count(*)::int AS n FROM (SELECT run_id, step_id FROM step_attempts WHERE status = 'succeeded' GROUP BY 1, 2 HAVING count(*) > 1) d`,
    )) as Array<{ n: number }>;
    expect(succeeded[0]!.n).toBe(0);
    expect(await ds.query(`SELECT count(*)::int AS n FROM approvals WHERE status = 'pending'`)).toEqual([{ n: DRAFT_RUNS }]);
    expect(await ds.query(`SELECT count(*)::int AS n FROM audit_events WHERE action = 'run.completed'`)).toEqual([{ n: EXECUTE_RUNS }]);
    expect((await verifyAuditChain(ds.manager)).ok).toBe(true);
  });
});
