import { createDataSource, findFreePort } from '@gatehouse/db';
import { createTestDatabase, type TestDatabase } from '@gatehouse/db/testing';
import type { WorkflowDefinition } from '@gatehouse/domain';
import { metricValue, scrape, type Sample } from '@gatehouse/telemetry/testing';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startActionReceiver, type ActionReceiver } from '../test/action-receiver.js';
import { seedWorkflow, startRun } from '../test/fixtures.js';
import { spawnRunner, type RunnerProcess } from '../test/runner-process.js';

/*
 * The runner process as deployed, with its /metrics listener: real runs go through it and the
 * counters, histograms and sampled gauges must move by exactly what happened. Its debug log
 * lines for each step carry the run, step and attempt.
 */
const SECRET = 'metrics-test-secret-0123456789';

const definition = (url: string): WorkflowDefinition => ({
  inputSchema: { type: 'object', required: ['message'] },
  steps: [
    { id: 'classify', kind: 'rules', field: '/message', rules: [{ label: 'refund', pattern: 'refund', confidence: 0.9 }], defaultLabel: 'other', defaultConfidence: 0.2 },
    { id: 'check', kind: 'validate', schema: { type: 'object', required: ['label'] }, minConfidence: 0.5 },
    { id: 'act', kind: 'action', action: 'tag_ticket', actionClass: 'reversible', webhookUrl: url },
  ],
  boundary: { trigger: 't', allowedActions: [{ name: 'tag_ticket', actionClass: 'reversible', mode: 'may_execute' }], neverActions: [], handOffs: [] },
  approvalPolicy: { requireApprovalFor: ['irreversible'], minConfidence: 0.5 },
});

let db: TestDatabase;
let ds: DataSource;
let receiver: ActionReceiver;
let runner: RunnerProcess;
let metricsUrl: string;

beforeAll(async () => {
  db = await createTestDatabase(inject('gatehousePostgres'));
  ds = createDataSource({ url: db.url, poolSize: 2 });
  await ds.initialize();
  receiver = await startActionReceiver(SECRET);
  const port = await findFreePort();
  metricsUrl = `http://127.0.0.1:${port}/metrics`;
  runner = spawnRunner({ DATABASE_URL: db.url, ACTION_WEBHOOK_SECRET: SECRET, RUNNER_POLL_INTERVAL_MS: '200', RUNNER_METRICS_PORT: String(port), RUNNER_METRICS_SAMPLE_INTERVAL_MS: '200', LOG_LEVEL: 'debug' });
  await runner.ready;
});

afterAll(async () => {
  runner?.child.kill('SIGTERM');
  await runner?.exited;
  await receiver?.close();
  await ds?.destroy();
  await db?.drop();
});

async function waitFor<T>(read: () => Promise<T>, done: (v: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!done(value) && Date.now() < deadline) {
    await sleep(100);
    value = await read();
  }
  return value;
}

const delta = (before: Sample[], after: Sample[], name: string, labels: Record<string, string> = {}) => metricValue(after, name, labels) - metricValue(before, name, labels);

describe('the runner /metrics', () => {
  it('counts and times the steps it runs, and samples the queues from the database', async () => {
    const before = await scrape(metricsUrl);
    const wf = await seedWorkflow(ds, 'metered', definition(receiver.url), 'execute');
    const straight = await Promise.all(Array.from({ length: 4 }, (_, i) => startRun(ds, wf, { message: `refund ${i}` })));
    const unclear = await Promise.all(Array.from({ length: 2 }, (_, i) => startRun(ds, wf, { message: `hello ${i}` })));
    const statuses = await waitFor(
      async () => ((await ds.query(`SELECT status FROM runs WHERE id = ANY($1::uuid[]) ORDER BY status`, [[...straight, ...unclear]])) as Array<{ status: string }>).map((r) => r.status),
      (s) => s.filter((x) => x === 'completed').length === 4 && s.filter((x) => x === 'in_exception').length === 2,
    );
    expect(statuses).toEqual([...Array(4).fill('completed'), ...Array(2).fill('in_exception')]);

    // The gauges are sampled every 200 ms here: wait for a sample taken after the runs settled and
    // the transport acknowledged their last dispatches (it does so just after the batch commits).
    const open = ((await ds.query(`SELECT reason, count(*)::int AS n FROM exception_items WHERE status <> 'resolved' GROUP BY reason`)) as Array<{ reason: string; n: number }>);
    expect(open).toEqual([{ reason: 'low_confidence', n: 2 }]);
    const after = await waitFor(
      () => scrape(metricsUrl),
      (s) => metricValue(s, 'gatehouse_exceptions_open') === 2 && metricValue(s, 'gatehouse_runs_active', { status: 'queued' }) === 0 && metricValue(s, 'gatehouse_outbox_backlog') === 0,
    );

    // 6 classify steps (rules), 6 checks (validate; 2 failed on low confidence), 4 actions.
    expect(delta(before, after, 'gatehouse_steps_processed_total', { kind: 'rules', outcome: 'succeeded' })).toBe(6);
    expect(delta(before, after, 'gatehouse_steps_processed_total', { kind: 'validate', outcome: 'succeeded' })).toBe(4);
    expect(delta(before, after, 'gatehouse_steps_processed_total', { kind: 'validate', outcome: 'failed' })).toBe(2);
    expect(delta(before, after, 'gatehouse_steps_processed_total', { kind: 'action', outcome: 'succeeded' })).toBe(4);
    expect(delta(before, after, 'gatehouse_step_duration_seconds_count', { kind: 'action' })).toBe(4);
    expect(delta(before, after, 'gatehouse_step_duration_seconds_sum', { kind: 'action' })).toBeGreaterThan(0);
    expect(delta(before, after, 'gatehouse_runner_batch_size_sum', { transport: 'postgres' })).toBe(16);

    // The sampled gauges equal the queues in the database.
    expect(metricValue(after, 'gatehouse_exceptions_open', { reason: 'low_confidence' })).toBe(2);
    expect(metricValue(after, 'gatehouse_exceptions_open', { reason: 'tool_error' })).toBe(0);
    expect(metricValue(after, 'gatehouse_runs_active', { status: 'in_exception' })).toBe(2);
    expect(metricValue(after, 'gatehouse_approvals_pending')).toBe(0);
    expect(metricValue(after, 'gatehouse_dispatches_due')).toBe(0);
    expect(metricValue(after, 'gatehouse_outbox_backlog')).toBe(0);
    expect(metricValue(after, 'process_resident_memory_bytes')).toBeGreaterThan(0);

    // Every log line about a step names its run, step and attempt.
    const lines = runner.output().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
    const ofRun = lines.filter((l) => l.runId === unclear[0]);
    expect(ofRun.map((l) => `${l.msg}:${l.stepId}:${l.attempt}`)).toEqual(['step executed:classify:1', 'step failed:check:1']);
    expect(ofRun[1]).toMatchObject({ stepKind: 'validate', workflowKey: 'metered', reason: 'low_confidence', level: 30 });
  });

  it('shows dispatches that are due and unclaimed, and the age of the oldest', async () => {
    // A key with a delivered, unacknowledged row (leased for an hour) holds back its next row,
    // which is due since an hour and stays unclaimed: exactly what the gauges are for.
    await ds.query(
      `INSERT INTO outbox (topic, message_key, payload, available_at, attempts, created_at) VALUES
         ('gatehouse.step-dispatch', 'held-key', '{}'::jsonb, now() + interval '1 hour', 1, now() - interval '2 hours'),
         ('gatehouse.step-dispatch', 'held-key', '{}'::jsonb, now() - interval '1 hour', 0, now() - interval '1 hour')`,
    );
    try {
      const sample = await waitFor(() => scrape(metricsUrl), (s) => metricValue(s, 'gatehouse_dispatches_due') === 1);
      expect(metricValue(sample, 'gatehouse_dispatches_due')).toBe(1);
      expect(metricValue(sample, 'gatehouse_dispatch_oldest_due_age_seconds')).toBeGreaterThanOrEqual(3600);
      expect(metricValue(sample, 'gatehouse_outbox_backlog')).toBe(2);
      expect(metricValue(sample, 'gatehouse_outbox_oldest_age_seconds')).toBeGreaterThanOrEqual(7200);
    } finally {
      await ds.query(`UPDATE outbox SET published_at = now() WHERE message_key = 'held-key'`);
    }
  });
});
