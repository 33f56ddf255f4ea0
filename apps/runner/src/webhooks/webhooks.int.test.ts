import { createDataSource, dispatchStep, fromWebhookSubscription, inTransaction, requeueWebhookDelivery, WebhookSubscriptionEntity } from '@gatehouse/db';
import { createTestDatabase } from '@gatehouse/db/testing';
import { createWebhookSubscription, type WebhookEventType, type WorkflowDefinition } from '@gatehouse/domain';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadRunnerEnv } from '../env.js';
import { startRunner, type RunningRunner } from '../runner.js';
import { decide, runRow, seedWorkflow, startRun, type SeededWorkflow } from '../test/fixtures.js';
import { startWebhookReceiver, type WebhookReceiver } from '../test/webhook-receiver.js';

/*
 * Event subscriptions end to end with the real runner: runs commit their events as deliveries in
 * the same transaction, and the runner's dispatcher sends them to a real HTTP receiver that
 * verifies each signature with the shared verify function. Small backoffs via the environment.
 */
const SECRET = 'whsec_runner_test_0123456789abcdef';
const MAX_ATTEMPTS = 3;

let ds: DataSource;
let runner: RunningRunner;
const stops: Array<() => Promise<unknown>> = [];

beforeAll(async () => {
  const db = await createTestDatabase(inject('gatehousePostgres'));
  stops.unshift(() => db.drop());
  ds = createDataSource({ url: db.url, poolSize: 3 });
  await ds.initialize();
  stops.unshift(() => ds.destroy());
  runner = await startRunner(
    loadRunnerEnv({
      DATABASE_URL: db.url,
      RUNNER_POLL_INTERVAL_MS: '100',
      WEBHOOK_POLL_INTERVAL_MS: '25',
      WEBHOOK_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
      WEBHOOK_BACKOFF_BASE_MS: '200',
      WEBHOOK_BACKOFF_MAX_MS: '5000',
      WEBHOOK_TIMEOUT_MS: '2000',
    }),
    pino({ level: 'silent' }),
  );
  stops.unshift(() => runner.stop());
});

afterAll(async () => {
  for (const stop of stops) await stop();
});

const classifyOnly: WorkflowDefinition = {
  inputSchema: { type: 'object', required: ['message'], properties: { message: { type: 'string' } } },
  steps: [{ id: 'classify', kind: 'rules', field: '/message', rules: [{ label: 'refund', pattern: 'refund', confidence: 0.9 }], defaultLabel: 'other', defaultConfidence: 0.9 }],
  boundary: { trigger: 'a message', allowedActions: [], neverActions: [], handOffs: [] },
};

async function receiver(): Promise<WebhookReceiver> {
  const r = await startWebhookReceiver(() => SECRET);
  stops.unshift(() => r.close());
  return r;
}

async function subscribe(wf: SeededWorkflow, key: string, url: string, eventTypes: WebhookEventType[]): Promise<string> {
  const { state } = createWebhookSubscription({ id: randomUUID(), workflow: { id: wf.workflowId, key }, url, eventTypes, secret: SECRET, existingCount: 0 }, { allowPrivate: true }, { id: wf.ownerId, role: 'owner' }, new Date());
  await ds.getRepository(WebhookSubscriptionEntity).insert(fromWebhookSubscription(state));
  return state.id;
}

async function until<T>(what: string, probe: () => Promise<T | null | undefined | false> | T | null | undefined | false, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

interface DeliveryRow {
  id: string;
  status: string;
  attempts: number;
  series: number;
  event_type: string;
}

const deliveriesOf = (subscriptionId: string) =>
  ds.query(`SELECT id::text AS id, status, attempts, series, event_type FROM webhook_deliveries WHERE subscription_id = $1 ORDER BY created_at`, [subscriptionId]) as Promise<DeliveryRow[]>;

const attemptsOf = (deliveryId: string) =>
  ds.query(
    `SELECT series, attempt, response_status, response_body, latency_ms, error, started_at, finished_at FROM webhook_delivery_attempts WHERE delivery_id = $1 ORDER BY series, attempt`,
    [deliveryId],
  ) as Promise<Array<{ series: number; attempt: number; response_status: number | null; response_body: string | null; latency_ms: number | null; error: string | null; started_at: Date; finished_at: Date | null }>>;

describe('webhook deliveries from the runner', () => {
  it('sends run.completed to a subscribed endpoint, signed, with the documented payload; an unsubscribed type is not sent', async () => {
    const wf = await seedWorkflow(ds, 'hooks-completed', classifyOnly, 'execute');
    const r = await receiver();
    const completed = await subscribe(wf, 'hooks-completed', r.url, ['run.completed']);
    const failedOnly = await subscribe(wf, 'hooks-completed', `${r.url}/failed-only`, ['run.failed']);
    const runId = await startRun(ds, wf, { message: 'refund please' });

    const [hit] = await until('the run.completed delivery', () => (r.received.length > 0 ? r.received : null));
    expect(hit!.signatureValid).toBe(true);
    expect(hit!.eventType).toBe('run.completed');
    expect(hit!.body).toEqual({ id: expect.any(String), type: 'run.completed', occurredAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), workflowKey: 'hooks-completed', runId, data: { status: 'completed' } });
    expect((await runRow(ds, runId)).status).toBe('completed');
    const [delivery] = await until('the delivery to succeed', async () => {
      const rows = await deliveriesOf(completed);
      return rows[0]?.status === 'succeeded' ? rows : null;
    });
    expect(hit!.deliveryId).toBe(delivery!.id);
    expect(await attemptsOf(delivery!.id)).toMatchObject([{ series: 1, attempt: 1, response_status: 200, response_body: expect.stringContaining('"received":true'), error: null }]);

    await sleep(200);
    expect(r.received).toHaveLength(1);
    expect(await deliveriesOf(failedOnly)).toEqual([]);
  });

  it('retries a receiver that fails twice with growing delays, recording every attempt, then succeeds; replay sends it again', async () => {
    const wf = await seedWorkflow(ds, 'hooks-retry', classifyOnly, 'execute');
    const r = await receiver();
    r.respond = (_req, nth) => (nth <= 2 ? 503 : 200);
    const sub = await subscribe(wf, 'hooks-retry', r.url, ['run.completed']);
    await startRun(ds, wf, { message: 'hello' });

    const [delivery] = await until('the delivery to succeed', async () => {
      const rows = await deliveriesOf(sub);
      return rows[0]?.status === 'succeeded' ? rows : null;
    });
    expect(r.received.map((x) => x.deliveryId)).toEqual([delivery!.id, delivery!.id, delivery!.id]);
    expect(r.received.every((x) => x.signatureValid)).toBe(true);
    // Backoff 200 ms base with equal jitter: ≥ 100 ms after the first failure, ≥ 200 ms after the second.
    const [a, b, c] = r.received.map((x) => x.at);
    expect(b! - a!).toBeGreaterThanOrEqual(90);
    expect(c! - b!).toBeGreaterThanOrEqual(190);
    const attempts = await attemptsOf(delivery!.id);
    expect(attempts.map((x) => [x.attempt, x.response_status])).toEqual([[1, 503], [2, 503], [3, 200]]);
    expect(attempts[0]!.error).toMatch(/answered 503/);
    expect(attempts.every((x) => x.finished_at !== null && typeof x.latency_ms === 'number')).toBe(true);
    expect(delivery!.attempts).toBe(3);

    await inTransaction(ds, (tx) => requeueWebhookDelivery(tx, delivery!.id, { id: wf.ownerId, role: 'owner' }, new Date()));
    await until('the replay', () => r.received.length === 4);
    expect(r.received[3]!.deliveryId).toBe(delivery!.id);
    expect(r.received[3]!.raw).toBe(r.received[2]!.raw);
    await until('the replay to be recorded', async () => (await deliveriesOf(sub))[0]?.status === 'succeeded');
    expect((await attemptsOf(delivery!.id)).map((x) => [x.series, x.attempt, x.response_status])).toEqual([[1, 1, 503], [1, 2, 503], [1, 3, 200], [2, 1, 200]]);
  });

  it('ends a delivery failed after the maximum number of attempts when the receiver always fails', async () => {
    const wf = await seedWorkflow(ds, 'hooks-failing', classifyOnly, 'execute');
    const r = await receiver();
    r.respond = () => 500;
    const sub = await subscribe(wf, 'hooks-failing', r.url, ['run.completed']);
    await startRun(ds, wf, { message: 'hello' });
    const [delivery] = await until('the delivery to fail', async () => {
      const rows = await deliveriesOf(sub);
      return rows[0]?.status === 'failed' ? rows : null;
    });
    expect(delivery!.attempts).toBe(MAX_ATTEMPTS);
    expect(r.received).toHaveLength(MAX_ATTEMPTS);
    expect((await attemptsOf(delivery!.id)).map((x) => x.response_status)).toEqual([500, 500, 500]);
    await sleep(300);
    expect(r.received).toHaveLength(MAX_ATTEMPTS);
  });

  it('emits approval.requested at a gate and approval.decided on the decision', async () => {
    const definition: WorkflowDefinition = { ...classifyOnly, steps: [...classifyOnly.steps, { id: 'approve', kind: 'approval', requiredRole: 'reviewer' }] };
    const wf = await seedWorkflow(ds, 'hooks-approval', definition, 'execute');
    const r = await receiver();
    await subscribe(wf, 'hooks-approval', r.url, ['approval.requested', 'approval.decided', 'run.completed']);
    const runId = await startRun(ds, wf, { message: 'refund please' });
    await until('the gate', async () => (await runRow(ds, runId)).status === 'waiting_approval');
    await until('approval.requested', () => r.received.some((x) => x.eventType === 'approval.requested'));
    const requested = r.received.find((x) => x.eventType === 'approval.requested')!;
    expect(requested.body).toMatchObject({ runId, workflowKey: 'hooks-approval', data: { approvalId: expect.any(String), stepId: 'approve', requiredRole: 'reviewer' } });

    await decide(ds, runId, wf.reviewer, { decision: 'approve', reason: 'Looks right to Jane Roe' });
    await until('approval.decided and run.completed', () => r.received.some((x) => x.eventType === 'approval.decided') && r.received.some((x) => x.eventType === 'run.completed'));
    const decided = r.received.find((x) => x.eventType === 'approval.decided')!;
    expect(decided.body.data).toEqual({ approvalId: requested.body.data['approvalId'], decision: 'approve' });
    expect(decided.raw).not.toContain('Jane Roe');
    expect(r.received.every((x) => x.signatureValid)).toBe(true);
  });

  it('emits nothing for a challenger run', async () => {
    const wf = await seedWorkflow(ds, 'hooks-challenger', classifyOnly, 'execute');
    const r = await receiver();
    const sub = await subscribe(wf, 'hooks-challenger', r.url, ['run.completed', 'run.failed']);
    const live = await startRun(ds, wf, { message: 'refund please' });
    // The challenger run of the live run, as startRun inserts it (shadow, linked by champion_run_id).
    const challenger = randomUUID();
    await inTransaction(ds, async (tx) => {
      await tx.query(
        `INSERT INTO runs (id, workflow_id, version_id, mode, status, input, input_hash, idempotency_key, current_step_id, created_by, champion_run_id)
         SELECT $1, r.workflow_id, r.version_id, 'shadow', 'queued', r.input, r.input_hash, 'challenger:' || r.id, 'classify', r.created_by, r.id FROM runs r WHERE r.id = $2`,
        [challenger, live],
      );
      await dispatchStep(tx, { runId: challenger, stepId: 'classify', cause: 'started', seq: 1 });
    });
    await until('both runs to finish', async () => (await runRow(ds, live)).status === 'completed' && (await runRow(ds, challenger)).status === 'completed');
    await until('the live run’s delivery', () => r.received.length >= 1);
    await sleep(300);
    expect(r.received.map((x) => x.body.runId)).toEqual([live]);
    expect((await deliveriesOf(sub)).length).toBe(1);
  });
});
