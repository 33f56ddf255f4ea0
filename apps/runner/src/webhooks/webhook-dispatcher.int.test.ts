import { captureWebhookEvents, claimDueWebhookDeliveries, createDataSource, fromWebhookSubscription, inTransaction, INTERRUPTED_ATTEMPT_ERROR, WebhookSubscriptionEntity } from '@gatehouse/db';
import { createTestDatabase } from '@gatehouse/db/testing';
import { createWebhookSubscription } from '@gatehouse/domain';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { seedWorkflow } from '../test/fixtures.js';
import { startWebhookReceiver, type WebhookReceiver } from '../test/webhook-receiver.js';
import { createWebhookDispatcher, type WebhookDispatcher } from './webhook-dispatcher.js';

/*
 * Dispatchers without a runner around them, on their own database: what a crashed process
 * leaves behind is sent by another one, and several dispatchers never send one delivery twice
 * at the same time.
 */
const SECRET = 'whsec_dispatcher_test_0123456789';
const policy = { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1000 };
let ds: DataSource;
let receiver: WebhookReceiver;
const stops: Array<() => Promise<unknown>> = [];
const logger = pino({ level: 'silent' });

beforeAll(async () => {
  const db = await createTestDatabase(inject('gatehousePostgres'));
  stops.unshift(() => db.drop());
  ds = createDataSource({ url: db.url, poolSize: 6 });
  await ds.initialize();
  stops.unshift(() => ds.destroy());
  receiver = await startWebhookReceiver(() => SECRET);
  stops.unshift(() => receiver.close());
});

afterAll(async () => {
  for (const stop of stops) await stop();
});

function dispatcher(leaseMs?: number): WebhookDispatcher {
  const d = createWebhookDispatcher({ ds, logger, policy, timeoutMs: 2000, pollIntervalMs: 10, batchSize: 5, allowPrivateTargets: true, ...(leaseMs ? { leaseMs } : {}) });
  stops.unshift(() => d.stop());
  return d;
}

/** A workflow with one subscription to cost.drift, and `n` drift events captured as a commit would. */
async function deliveriesFor(key: string, n: number): Promise<string[]> {
  const wf = await seedWorkflow(ds, key, {
    inputSchema: { type: 'object' },
    steps: [{ id: 'classify', kind: 'rules', field: '/m', rules: [], defaultLabel: 'x', defaultConfidence: 1 }],
    boundary: { trigger: 't', allowedActions: [], neverActions: [], handOffs: [] },
  }, 'execute');
  const { state } = createWebhookSubscription({ id: randomUUID(), workflow: { id: wf.workflowId, key }, url: receiver.url, eventTypes: ['cost.drift'], secret: SECRET, existingCount: 0 }, { allowPrivate: true }, { id: wf.ownerId, role: 'owner' }, new Date());
  await ds.getRepository(WebhookSubscriptionEntity).insert(fromWebhookSubscription(state));
  await inTransaction(ds, (tx) =>
    captureWebhookEvents(
      tx,
      Array.from({ length: n }, () => ({ event: { type: 'cost.drift_detected', subjectType: 'cost_alert' as const, subjectId: randomUUID(), data: { workflowId: wf.workflowId, runs: 3 } }, occurredAt: new Date() })),
    ),
  );
  const rows = (await ds.query(`SELECT id::text AS id FROM webhook_deliveries WHERE subscription_id = $1`, [state.id])) as Array<{ id: string }>;
  return rows.map((r) => r.id);
}

describe('webhook dispatchers', () => {
  it('lose nothing when one dies mid-delivery: the lease runs out and another sends it', async () => {
    const [id] = await deliveriesFor('dispatch-crash', 1);
    // A dispatcher claims the delivery and dies before the receiver answers (it never records the attempt).
    const [claimed] = await claimDueWebhookDeliveries(ds, { limit: 10, leaseMs: 300, policy });
    expect(claimed?.id).toBe(id);
    const survivor = dispatcher();
    expect(await survivor.dispatchOnce()).toBe(0); // still leased to the dead one
    await sleep(350);
    expect(await survivor.dispatchOnce()).toBe(1);
    const [row] = (await ds.query(`SELECT status, attempts FROM webhook_deliveries WHERE id = $1`, [id])) as Array<{ status: string; attempts: number }>;
    expect(row).toEqual({ status: 'succeeded', attempts: 2 });
    const attempts = (await ds.query(`SELECT attempt, response_status, error FROM webhook_delivery_attempts WHERE delivery_id = $1 ORDER BY attempt`, [id])) as unknown[];
    expect(attempts).toEqual([
      { attempt: 1, response_status: null, error: INTERRUPTED_ATTEMPT_ERROR },
      { attempt: 2, response_status: 200, error: null },
    ]);
    expect(receiver.received.filter((r) => r.deliveryId === id)).toHaveLength(1);
  });

  it('never send one delivery from two dispatchers at once, and send each exactly once when the receiver succeeds', async () => {
    receiver.delayMs = 30;
    const ids = await deliveriesFor('dispatch-concurrent', 30);
    const all = [dispatcher(), dispatcher(), dispatcher()];
    await Promise.all(all.map((d) => d.start()));
    const deadline = Date.now() + 15_000;
    for (;;) {
      const [left] = (await ds.query(`SELECT count(*)::int AS n FROM webhook_deliveries WHERE id = ANY($1::uuid[]) AND status <> 'succeeded'`, [ids])) as Array<{ n: number }>;
      if (left!.n === 0) break;
      if (Date.now() > deadline) throw new Error(`${left!.n} deliveries still not sent`);
      await sleep(25);
    }
    const sent = receiver.received.filter((r) => ids.includes(r.deliveryId));
    expect(sent).toHaveLength(30);
    expect(new Set(sent.map((r) => r.deliveryId)).size).toBe(30);
    expect(receiver.maxConcurrentPerDelivery()).toBe(1);
    expect(sent.every((r) => r.signatureValid && r.body.type === 'cost.drift' && r.body.workflowKey === 'dispatch-concurrent')).toBe(true);
  });
});
