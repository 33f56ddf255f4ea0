import { verifyAuditChain } from '@gatehouse/db';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFINITION, KEYS, PROPOSE, publishedWorkflow } from '../../test/fixtures.js';
import { countRows, expectError, startTestApi, type TestApi } from '../../test/test-api.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { PAYLOAD_PURGE_AUDIT_ACTION, purgeExpiredPayloads } from './payload-retention.js';

/*
 * Retention deletes payloads past the configured age and nothing else: the metrics computed
 * before and after a purge are equal, the audit chain still verifies, runs someone may still act
 * on keep theirs, and a second round changes nothing.
 */
let api: TestApi;
let principal = '';
let workflowId = '';
let versionId = '';
let n = 0;
const NOW = new Date('2026-06-30T12:00:00Z');
const OLD = '2026-03-10T09:00:00Z'; // > 90 days before NOW
const RECENT = '2026-06-20T09:00:00Z';
const PAYLOAD = { customerEmail: 'sam@example.com', message: 'Please refund me' };

async function insertRun(status: string, finishedAt: string | null, createdAt = finishedAt ?? OLD): Promise<string> {
  const [row] = await api.ds.query(
    `INSERT INTO runs (workflow_id, version_id, mode, status, input, input_hash, idempotency_key, created_by, created_at, started_at, finished_at, output, error)
     VALUES ($1, $2, 'execute', $3, $4::jsonb, 'h', $5, $6, $7, $7, $8, $9::jsonb, $10::jsonb) RETURNING id::text AS id`,
    [
      workflowId,
      versionId,
      status,
      JSON.stringify(PAYLOAD),
      `retention-${++n}`,
      principal,
      createdAt,
      finishedAt,
      JSON.stringify({ reply: 'Refund sent to sam@example.com' }),
      status === 'failed' ? JSON.stringify({ code: 'tool_error', message: 'receiver refused sam@example.com' }) : null,
    ],
  );
  const id = row.id as string;
  for (const [attempt, usd] of [[1, 0.25], [2, 0.5]] as const) {
    await api.ds.query(
      `INSERT INTO step_attempts (run_id, step_id, attempt, status, input, output, execution_output, cost_usd, tokens_in, latency_ms, started_at, finished_at)
       SELECT id, 'draft', $2, 'succeeded', input, output, output, $3, 100, 40, created_at, created_at FROM runs WHERE id = $1`,
      [id, attempt, usd],
    );
  }
  await api.ds.query(
    `INSERT INTO approvals (run_id, workflow_id, step_id, action_class, required_role, status, decision, proposed, edited, diff, created_at, decided_at)
     SELECT id, workflow_id, 'reply', 'customer_impacting', 'reviewer', 'approved', 'edit_and_approve', output, '{"reply":"x"}', '[]', created_at, created_at + interval '10 minutes' FROM runs WHERE id = $1`,
    [id],
  );
  // The approver's own decision record (N-of-M) keeps the edit too.
  await api.ds.query(
    `INSERT INTO approval_decisions (approval_id, round, decided_by, decision, reason, edited) SELECT a.id, 1, $2, 'edit_and_approve', 'tone', '{"reply":"x"}' FROM approvals a WHERE a.run_id = $1`,
    [id, principal],
  );
  await api.ds.query(
    `INSERT INTO exception_items (run_id, workflow_id, step_id, reason, status, resolution, details, resolution_output, created_at, resolved_at)
     SELECT id, workflow_id, 'draft', 'low_confidence', 'resolved', 'override_output', jsonb_build_object('output', output), output, created_at, created_at + interval '5 minutes' FROM runs WHERE id = $1`,
    [id],
  );
  await api.ds.query(
    `INSERT INTO shadow_outcomes (run_id, workflow_id, human_outcome, ai_outcome, agreed, recorded_by) SELECT id, workflow_id, input, output, true, $2 FROM runs WHERE id = $1`,
    [id, principal],
  );
  await api.ds.query(`INSERT INTO hand_offs (run_id, workflow_id, target, status, created_at, closed_at) SELECT id, workflow_id, 'tier2', 'completed', created_at, created_at FROM runs WHERE id = $1`, [id]);
  return id;
}

const payloads = async (runId: string) => {
  const [run] = await api.ds.query(`SELECT input, output, error, payload_purged_at FROM runs WHERE id = $1`, [runId]);
  const steps = await api.ds.query(`SELECT input, output, validation, error, execution_output, payload_purged_at, cost_usd FROM step_attempts WHERE run_id = $1 ORDER BY attempt`, [runId]);
  const [approval] = await api.ds.query(`SELECT proposed, edited, diff, decision, payload_purged_at FROM approvals WHERE run_id = $1`, [runId]);
  const [exception] = await api.ds.query(`SELECT details, resolution_output, resolution, payload_purged_at FROM exception_items WHERE run_id = $1`, [runId]);
  const [shadow] = await api.ds.query(`SELECT human_outcome, ai_outcome, agreed, payload_purged_at FROM shadow_outcomes WHERE run_id = $1`, [runId]);
  return { run, steps, approval, exception, shadow };
};

const purgeEvents = async () => (await api.ds.query(`SELECT data FROM audit_events WHERE action = $1 ORDER BY seq`, [PAYLOAD_PURGE_AUDIT_ACTION])) as Array<{ data: Record<string, unknown> }>;

beforeAll(async () => {
  api = await startTestApi();
  await publishedWorkflow(api, 'retention');
  const [w] = await api.ds.query(`SELECT id, published_version_id FROM workflows WHERE key = 'retention'`);
  workflowId = w.id;
  versionId = w.published_version_id;
  [{ id: principal }] = await api.ds.query(`SELECT id FROM principals ORDER BY email LIMIT 1`);
});
afterAll(() => api.close());

describe('payload retention', () => {
  it('purges old payloads in batches, keeps metrics and the audit chain, spares open and recent runs, and is idempotent', async () => {
    const oldDone = [await insertRun('completed', OLD), await insertRun('failed', '2026-03-11T10:00:00Z'), await insertRun('cancelled', '2026-03-12T10:00:00Z')];
    const recent = await insertRun('completed', RECENT);
    const running = await insertRun('running', null);
    // Finished long ago but someone may still act on it: a hand-off still pending.
    const openHandOff = await insertRun('handed_off', '2026-03-10T11:00:00Z');
    await api.ds.query(`INSERT INTO hand_offs (run_id, workflow_id, target, status, created_at) VALUES ($1, $2, 'tier2', 'pending', $3)`, [openHandOff, workflowId, OLD]);

    const metrics = new MetricsService(api.ds);
    const window = [new Date('2026-03-01T00:00:00Z'), new Date('2026-07-01T00:00:00Z')] as const;
    const before = await metrics.compute('retention', window[0], window[1], 'week', NOW);
    expect(before.total.runsStarted).toBe(6);
    // The figures the purged rows feed: costs, decisions (rework), shadow agreement, exceptions.
    expect(before.total).toMatchObject({ totalCostUsd: 4.5, exceptionsOpened: 6, shadowAgreementRate: { value: 1, sampleSize: 6 } });
    expect(before.total.reworkRate.sampleSize).toBeGreaterThan(0);
    const chainBefore = await verifyAuditChain(api.ds.manager);
    expect(chainBefore.ok).toBe(true);

    // Webhook deliveries of an old run: settled ones go with its payloads, a pending one stays; a recent run's stays.
    const [owner] = (await api.ds.query(`SELECT id::text AS id FROM principals WHERE role = 'integrator' LIMIT 1`)) as Array<{ id: string }>;
    const subscription = randomUUID();
    await api.ds.query(`INSERT INTO webhook_subscriptions (id, workflow_id, url, event_types, secret, created_by) VALUES ($1, $2, 'https://hooks.example.test/e', '{run.completed}', 'whsec_test', $3)`, [subscription, workflowId, owner!.id]);
    const delivery = async (runId: string | null, status: string, createdAt = NOW) => {
      const [row] = (await api.ds.query(
        `INSERT INTO webhook_deliveries (subscription_id, workflow_id, run_id, event_id, event_type, payload, status, created_at)
         VALUES ($1, $2, $3, gen_random_uuid(), $5, '{}'::jsonb, $4, $6) RETURNING id::text AS id`,
        [subscription, workflowId, runId, status, runId ? 'run.completed' : 'cost.drift', createdAt],
      )) as Array<{ id: string }>;
      await api.ds.query(`INSERT INTO webhook_delivery_attempts (delivery_id, series, attempt, response_status) VALUES ($1, 1, 1, 200)`, [row!.id]);
      return row!.id;
    };
    // Deliveries of no run (cost.drift): settled ones older than the cutoff go; a pending or recent one stays.
    const longAgo = new Date('2026-01-01T00:00:00Z');
    const settled = [await delivery(oldDone[0]!, 'succeeded'), await delivery(oldDone[1]!, 'failed'), await delivery(null, 'succeeded', longAgo)];
    const kept = [await delivery(oldDone[2]!, 'pending'), await delivery(recent, 'succeeded'), await delivery(null, 'pending', longAgo), await delivery(null, 'failed')];

    const result = await purgeExpiredPayloads(api.ds, { retentionDays: 90, batchSize: 2, now: NOW });
    expect(result).toEqual({ cutoff: '2026-04-01T12:00:00.000Z', runs: 3, stepAttempts: 6, approvals: 3, exceptions: 3, shadowOutcomes: 3, webhookDeliveries: 3 });
    const left = (await api.ds.query(`SELECT id::text AS id FROM webhook_deliveries ORDER BY id`)) as Array<{ id: string }>;
    expect(left.map((r) => r.id).sort()).toEqual([...kept].sort());
    expect(await countRows(api.ds, 'webhook_delivery_attempts', 'delivery_id = ANY($1::uuid[])', [settled])).toBe(0);

    for (const id of oldDone) {
      const p = await payloads(id);
      expect(p.run.input).toBeNull();
      expect(p.run.output).toBeNull();
      expect(p.run.payload_purged_at).toEqual(NOW);
      for (const s of p.steps) expect(s).toMatchObject({ input: null, output: null, validation: null, error: null, execution_output: null, payload_purged_at: NOW });
      expect(p.steps.map((s: { cost_usd: string }) => Number(s.cost_usd))).toEqual([0.25, 0.5]);
      expect(p.approval).toEqual({ proposed: null, edited: null, diff: null, decision: 'edit_and_approve', payload_purged_at: NOW });
      expect(await api.ds.query(`SELECT d.edited, d.decision FROM approval_decisions d JOIN approvals a ON a.id = d.approval_id WHERE a.run_id = $1`, [id])).toEqual([{ edited: null, decision: 'edit_and_approve' }]);
      expect(p.exception).toEqual({ details: {}, resolution_output: null, resolution: 'override_output', payload_purged_at: NOW });
      expect(p.shadow).toEqual({ human_outcome: null, ai_outcome: null, agreed: true, payload_purged_at: NOW });
    }
    // The failed run keeps how it ended, not what its message quoted.
    expect((await payloads(oldDone[1]!)).run.error).toEqual({ code: 'tool_error', message: 'Purged by retention.' });
    for (const id of [recent, running, openHandOff]) {
      const p = await payloads(id);
      expect(p.run).toMatchObject({ input: PAYLOAD, payload_purged_at: null });
      expect(p.steps[0]).toMatchObject({ input: PAYLOAD, payload_purged_at: null });
      expect(p.approval.proposed).not.toBeNull();
    }

    // Metrics of purged runs do not change, fresh from the raw tables and after the rollup refresh.
    expect(await metrics.compute('retention', window[0], window[1], 'week', NOW)).toEqual(before);
    await metrics.refreshRollups();
    expect(await metrics.compute('retention', window[0], window[1], 'week', NOW)).toEqual(before);

    // One audit event for the round (two batches and a last one), with the counts; the chain verifies.
    expect(await purgeEvents()).toEqual([{ data: { ...result, retentionDays: 90 } }]);
    const chainAfter = await verifyAuditChain(api.ds.manager);
    expect(chainAfter.ok).toBe(true);
    expect(chainAfter.checked).toBe(chainBefore.checked + 1);

    // A second round finds nothing and records nothing.
    expect(await purgeExpiredPayloads(api.ds, { retentionDays: 90, batchSize: 2, now: NOW })).toMatchObject({ runs: 0, stepAttempts: 0 });
    expect(await purgeEvents()).toHaveLength(1);
    // 0 keeps payloads forever.
    expect(await purgeExpiredPayloads(api.ds, { retentionDays: 0, now: new Date('2030-01-01T00:00:00Z') })).toBeNull();
    expect((await payloads(recent)).run.input).toEqual(PAYLOAD);
  });

  it('shows purged payloads over GraphQL as purged, not as empty', async () => {
    const id = await insertRun('completed', '2026-03-13T10:00:00Z');
    await purgeExpiredPayloads(api.ds, { retentionDays: 90, now: NOW });
    const data = await api.ok<{ run: { input: unknown; payloadPurgedAt: string; steps: Array<{ output: unknown; payloadPurgedAt: string; costUsd: number }>; approvals: Array<{ proposed: unknown; payloadPurgedAt: string; decision: string }> } }>(
      KEYS.viewer,
      `query ($id: ID!) { run(id: $id) { input payloadPurgedAt steps { output payloadPurgedAt costUsd redactions { total } } approvals { proposed decision payloadPurgedAt } } }`,
      { id },
    );
    expect(data.run).toMatchObject({ input: null, payloadPurgedAt: NOW.toISOString() });
    expect(data.run.steps.map((s) => [s.output, s.payloadPurgedAt, s.costUsd])).toEqual([
      [null, NOW.toISOString(), 0.25],
      [null, NOW.toISOString(), 0.5],
    ]);
    expect(data.run.approvals).toEqual([{ proposed: null, decision: 'edit_and_approve', payloadPurgedAt: NOW.toISOString() }]);
  });

  it('refuses a workflow version whose redaction paths cannot be read, naming the path', async () => {
    const res = await api.gql(KEYS.owner, PROPOSE, { key: 'retention', def: { ...DEFINITION, privacy: { redactPaths: ['$.customerEmail', 'card.number'] } } });
    const error = expectError(res, 'BAD_USER_INPUT');
    expect(error.message).toContain('/privacy/redactPaths/1 "card.number" must start with "$"');
    await api.ok(KEYS.owner, PROPOSE, { key: 'retention', def: { ...DEFINITION, privacy: { redactPaths: ['$.customerEmail', '$.card.number'], detectors: ['email', 'card'] } } });
  });
});
