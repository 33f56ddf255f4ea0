import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { KEYS, publishedWorkflow } from '../../test/fixtures.js';
import { expectError, startTestApi, type TestApi } from '../../test/test-api.js';
import { checkCostDrift, startCostDriftChecks } from './cost-drift-check.js';

const ALERTS = `query ($key: String, $open: Boolean, $first: Int, $after: String) {
  costAlerts(workflowKey: $key, openOnly: $open, first: $first, after: $after) {
    edges { node { id runs costPerRunUsd baselinePerRunUsd increasePercent windowStart windowEnd clearedAt workflow { key } } }
    pageInfo { hasNextPage endCursor }
  }
}`;
const NOW = new Date('2026-05-01T12:00:00.000Z');

let api: TestApi;
let n = 0;

/** `count` runs of `key` created in the hour before NOW, each costing `cost` USD. */
async function runs(key: string, count: number, cost: number) {
  for (let i = 0; i < count; i++) {
    const [run] = await api.ds.query(
      `INSERT INTO runs (workflow_id, version_id, mode, status, input, input_hash, idempotency_key, created_by, created_at)
       SELECT w.id, w.published_version_id, 'execute', 'completed', '{}', 'h', $2, w.created_by, $3 FROM workflows w WHERE w.key = $1 RETURNING id`,
      [key, `cost-${++n}`, new Date(NOW.getTime() - 3_600_000 + i * 1000)],
    );
    await api.ds.query(`INSERT INTO step_attempts (run_id, step_id, attempt, status, cost_usd) VALUES ($1, 'draft', 1, 'succeeded', $2)`, [run.id, cost]);
  }
}

async function workflow(key: string, evaluation: Record<string, unknown>) {
  await publishedWorkflow(api, key);
  await api.ds.query(`UPDATE workflows SET evaluation = $2 WHERE key = $1`, [key, JSON.stringify(evaluation)]);
}

beforeAll(async () => {
  api = await startTestApi();
  await workflow('costly', { costBaselinePerRunUsd: 0.1, costDriftPercent: 25, costWindowHours: 24 });
  await workflow('few-runs', { costBaselinePerRunUsd: 0.1 });
  await workflow('no-baseline', {});
  await runs('costly', 10, 0.15); // 0.15 per run: 50 % above 0.10 > 25 %
  await runs('few-runs', 9, 1); // 900 % above, but 9 runs are too few to tell
  await runs('no-baseline', 10, 1);
});
afterAll(() => api.close());

describe('cost drift alerts', () => {
  it('raises once, audited, and not again on the next check', async () => {
    const first = await checkCostDrift(api.ds, NOW);
    expect(first.cleared).toEqual([]);
    expect(first.raised).toHaveLength(1);
    expect(first.raised[0]).toMatchObject({ runs: 10, baselinePerRunUsd: 0.1, windowEnd: NOW, windowStart: new Date('2026-04-30T12:00:00.000Z') });
    expect(first.raised[0]!.costPerRunUsd).toBeCloseTo(0.15, 9);
    expect(first.raised[0]!.increasePercent).toBeCloseTo(50, 6);
    expect(await checkCostDrift(api.ds, NOW)).toEqual({ raised: [], cleared: [] });

    const { costAlerts } = await api.ok(KEYS.viewer, ALERTS, { open: true });
    expect(costAlerts.edges).toHaveLength(1); // nothing for few-runs (9 < 10) nor no-baseline
    expect(costAlerts.edges[0].node).toMatchObject({ runs: 10, clearedAt: null, workflow: { key: 'costly' } });
    const [event] = await api.ds.query(`SELECT action, actor_role, data FROM audit_events WHERE subject_id = $1`, [costAlerts.edges[0].node.id]);
    expect(event).toMatchObject({ action: 'cost.drift_detected', actor_role: 'system', data: { runs: 10, baselinePerRunUsd: 0.1 } });
  });

  it('clears when cost per run is back under the line, audited, and a later rise raises a new alert', async () => {
    await runs('costly', 10, 0.05); // (10 × 0.15 + 10 × 0.05) ÷ 20 = 0.10: 0 % above
    const check = await checkCostDrift(api.ds, NOW);
    expect(check.raised).toEqual([]);
    expect(check.cleared).toHaveLength(1);
    expect(check.cleared[0]!.clearedAt).toEqual(NOW);
    expect(await checkCostDrift(api.ds, NOW)).toEqual({ raised: [], cleared: [] });
    const [event] = await api.ds.query(`SELECT data FROM audit_events WHERE action = 'cost.drift_cleared' AND subject_id = $1`, [check.cleared[0]!.id]);
    expect(event.data).toMatchObject({ runs: 20, increasePercent: expect.closeTo(0, 6) });
    expect((await api.ok(KEYS.viewer, ALERTS, { open: true })).costAlerts.edges).toEqual([]);

    await runs('costly', 20, 0.3); // (1.5 + 0.5 + 6) ÷ 40 = 0.20: 100 % above
    // A minute later, so the two alerts' raised_at differ and newest-first is well defined.
    expect((await checkCostDrift(api.ds, new Date(NOW.getTime() + 60_000))).raised).toHaveLength(1);
    const all = await api.ok(KEYS.owner, ALERTS, { key: 'costly', first: 1 });
    expect(all.costAlerts.edges[0].node).toMatchObject({ runs: 40, clearedAt: null }); // newest first
    expect(all.costAlerts.pageInfo.hasNextPage).toBe(true);
    const next = await api.ok(KEYS.owner, ALERTS, { key: 'costly', first: 1, after: all.costAlerts.pageInfo.endCursor });
    expect(next.costAlerts.edges[0].node.clearedAt).not.toBeNull();
  });

  it('refuses unknown workflows, bad page sizes and integrators', async () => {
    expectError(await api.gql(KEYS.viewer, ALERTS, { key: 'nope' }), 'NOT_FOUND');
    expectError(await api.gql(KEYS.viewer, ALERTS, { first: 0 }), 'BAD_USER_INPUT');
    expectError(await api.gql(KEYS.integrator, ALERTS, {}), 'FORBIDDEN');
  });

  it('runs the check on the configured interval, and not at all with 0', async () => {
    await workflow('interval', { costBaselinePerRunUsd: 0.1 });
    const [wf] = await api.ds.query(`SELECT id FROM workflows WHERE key = 'interval'`);
    for (let i = 0; i < 10; i++) {
      const [run] = await api.ds.query(
        `INSERT INTO runs (workflow_id, version_id, mode, status, input, input_hash, idempotency_key, created_by, created_at)
         SELECT id, published_version_id, 'execute', 'completed', '{}', 'h', $2, created_by, now() - interval '1 minute' FROM workflows WHERE id = $1 RETURNING id`,
        [wf.id, `interval-${i}`],
      );
      await api.ds.query(`INSERT INTO step_attempts (run_id, step_id, attempt, status, cost_usd) VALUES ($1, 'draft', 1, 'succeeded', 1)`, [run.id]);
    }
    const open = async () => (await api.ds.query(`SELECT count(*)::int AS n FROM cost_alerts WHERE workflow_id = $1 AND cleared_at IS NULL`, [wf.id]))[0].n;
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    try {
      const warn = vi.fn();
      const off = startCostDriftChecks(api.ds, 0, { warn });
      await vi.advanceTimersByTimeAsync(120_000);
      await off.stop();
      expect(await open()).toBe(0);
      const on = startCostDriftChecks(api.ds, 60_000, { warn });
      await vi.advanceTimersByTimeAsync(60_000);
      await on.stop(); // waits for the check the tick started
      expect(await open()).toBe(1);
      expect(warn).not.toHaveBeenCalled();
    } finally {
      vi.useRealTimers();
    }
  });
});
