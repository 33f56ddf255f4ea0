import type { MetricBucket } from '@gatehouse/domain';
import { percentChange, rateFigure, valueFigure } from '@gatehouse/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishedWorkflow } from '../../test/fixtures.js';
import { startTestApi, type TestApi } from '../../test/test-api.js';
import { bucketStarts, MetricsService, percentileCont, sumDecimals } from './metrics.service.js';
import { countDirtyHours } from './metrics.rollup.js';
import type { MetricsFiguresType, MetricsType } from './metrics.types.js';

/*
 * The rollups (metrics_hourly + the metrics_changes log) must never change an answer: every
 * figure stays exact and fresh whether an hour is read from the rollup, from the raw tables
 * (dirty or cut by the window's edge) or after a refresh.
 */

let api: TestApi;
let svc: MetricsService;
let principal = '';
const wf: Record<string, { id: string; version: string }> = {};
let n = 0;

async function insertRun(key: string, r: { status: string; createdAt: string; finishedAt: string | null; reopenCount?: number }): Promise<string> {
  const w = wf[key]!;
  const [row] = await api.ds.query(
    `INSERT INTO runs (workflow_id, version_id, mode, status, input, input_hash, idempotency_key, created_by, created_at, started_at, finished_at, reopen_count)
     VALUES ($1, $2, 'execute', $3, '{}', 'h', $4, $5, $6, $6, $7, $8) RETURNING id`,
    [w.id, w.version, r.status, `rollup-${++n}`, principal, r.createdAt, r.finishedAt, r.reopenCount ?? 0],
  );
  return row.id as string;
}
const cost = (runId: string, usd: number | null, attempt: number) =>
  api.ds.query(`INSERT INTO step_attempts (run_id, step_id, attempt, status, cost_usd, started_at) SELECT id, 'draft', $2, 'succeeded', $3, created_at FROM runs WHERE id = $1`, [runId, attempt, usd]);
const approval = (runId: string, a: { status: string; decision: string | null; createdAt: string; decidedAt: string | null; dueAt: string | null }, step = 'reply') =>
  api.ds.query(
    `INSERT INTO approvals (run_id, workflow_id, step_id, action_class, required_role, status, decision, proposed, created_at, decided_at, due_at)
     SELECT id, workflow_id, $7, 'customer_impacting', 'reviewer', $2, $3, '{}', $4, $5, $6 FROM runs WHERE id = $1 RETURNING id`,
    [runId, a.status, a.decision, a.createdAt, a.decidedAt, a.dueAt, step],
  );
const exception = (runId: string, x: { reason: string; status: string; createdAt: string; resolvedAt: string | null; dueAt: string | null }, step = 'draft') =>
  api.ds.query(
    `INSERT INTO exception_items (run_id, workflow_id, step_id, reason, status, resolution, created_at, resolved_at, due_at)
     SELECT id, workflow_id, $7, $2, $3, CASE WHEN $3 = 'resolved' THEN 'cancel' END, $4, $5, $6 FROM runs WHERE id = $1`,
    [runId, x.reason, x.status, x.createdAt, x.resolvedAt, x.dueAt, step],
  );
const handOff = (runId: string, status: string, createdAt: string, dueAt: string | null) =>
  api.ds.query(`INSERT INTO hand_offs (run_id, workflow_id, target, status, due_at, created_at) SELECT id, workflow_id, 'tier2', $2, $3, $4 FROM runs WHERE id = $1 RETURNING id`, [
    runId,
    status,
    dueAt,
    createdAt,
  ]);
const shadow = (runId: string, agreed: boolean | null) =>
  api.ds.query(`INSERT INTO shadow_outcomes (run_id, workflow_id, human_outcome, agreed, recorded_by) SELECT id, workflow_id, '{}', $2, $3 FROM runs WHERE id = $1`, [runId, agreed, principal]);

beforeAll(async () => {
  api = await startTestApi();
  svc = new MetricsService(api.ds);
  for (const key of ['fresh', 'rand', 'rand-other']) {
    await publishedWorkflow(api, key);
    const [w] = await api.ds.query(`SELECT id, published_version_id FROM workflows WHERE key = $1`, [key]);
    wf[key] = { id: w.id, version: w.published_version_id };
  }
  [{ id: principal }] = await api.ds.query(`SELECT id FROM principals ORDER BY email LIMIT 1`);
});
afterAll(() => api.close());

const fig = (value: number, sampleSize: number) => ({ value, sampleSize });

describe('metrics rollups: freshness', () => {
  const from = new Date('2026-03-09T00:00:00Z'); // Monday
  const to = new Date('2026-03-11T00:00:00Z');
  const noon = new Date('2026-03-10T12:00:00Z');
  const dirty = () => countDirtyHours(api.ds, { workflowId: wf.fresh!.id });

  /** The answer read with dirty hours (raw), then again after a refresh (rollup): both must be the same. */
  async function bothPaths(now: Date, expectDirty = true): Promise<MetricsType> {
    if (expectDirty) expect(await dirty()).toBeGreaterThan(0);
    const raw = await svc.compute('fresh', from, to, 'day', now);
    await svc.refreshRollups();
    expect(await dirty()).toBe(0);
    const stored = await svc.compute('fresh', from, to, 'day', now);
    expect(stored).toEqual(raw);
    return stored;
  }

  it('answers every change committed before the query, from dirty hours and after the refresh alike', async () => {
    // Monday 9 March: R1 running; R2 waiting for an approval due 11:30; R3 handed off (1200 s) with two hand-offs.
    const r1 = await insertRun('fresh', { status: 'running', createdAt: '2026-03-09T10:00:00Z', finishedAt: null });
    await cost(r1, 0.1, 1);
    const r2 = await insertRun('fresh', { status: 'waiting_approval', createdAt: '2026-03-09T11:00:00Z', finishedAt: null });
    await approval(r2, { status: 'pending', decision: null, createdAt: '2026-03-09T11:01:00Z', decidedAt: null, dueAt: '2026-03-09T11:30:00Z' });
    const r3 = await insertRun('fresh', { status: 'handed_off', createdAt: '2026-03-09T12:00:00Z', finishedAt: '2026-03-09T12:20:00Z' });
    const [h1] = await handOff(r3, 'pending', '2026-03-09T12:20:00Z', '2026-03-10T11:00:00Z');
    await handOff(r3, 'accepted', '2026-03-09T12:20:00Z', '2026-03-10T12:30:00Z');
    // Tuesday 10 March: R4 (1800 s) and R5 (300 s) completed straight through.
    const r4 = await insertRun('fresh', { status: 'completed', createdAt: '2026-03-10T09:00:00Z', finishedAt: '2026-03-10T09:30:00Z' });
    await cost(r4, 0.2, 1);
    const r5 = await insertRun('fresh', { status: 'completed', createdAt: '2026-03-10T10:00:00Z', finishedAt: '2026-03-10T10:05:00Z' });

    // Finished 300, 1200, 1800 → p50 1200, p90 at rank 1.8 → 1200 + 0.8 × 600 = 1680.
    let m = await bothPaths(noon);
    expect(m.total).toMatchObject({
      runsStarted: 5, runsFinished: 3, completed: 2, cycleTimeP50Seconds: fig(1200, 3), cycleTimeP90Seconds: fig(1680, 3),
      straightThroughRate: fig(1, 2), approvalSlaBreaches: 1, slaBreachRate: fig(1, 1), // R2's approval pending past due
      handOffs: 2, handOffFailures: 1, handOffFailureRate: fig(0.5, 2), // h1 pending past 11:00; h2 accepted, due 12:30
      reworkRate: fig(0, 2), shadowAgreementRate: fig(0, 0),
    });
    expect(m.total.totalCostUsd).toBeCloseTo(0.3, 12);
    expect(m.buckets.map((b) => b.figures.runsStarted)).toEqual([3, 2]);

    // A run finishes: R1 after 2400 s → 300, 1200, 1800, 2400: p50 1500, p90 rank 2.7 → 1800 + 0.7 × 600 = 2220.
    await api.ds.query(`UPDATE runs SET status = 'completed', finished_at = '2026-03-09T10:40:00Z' WHERE id = $1`, [r1]);
    m = await bothPaths(noon);
    expect(m.total).toMatchObject({ runsFinished: 4, completed: 3, cycleTimeP50Seconds: fig(1500, 4), cycleTimeP90Seconds: fig(2220, 4), straightThroughRate: fig(1, 3) });
    expect(m.buckets[0]!.figures).toMatchObject({ runsFinished: 2, cycleTimeP50Seconds: fig(1800, 2) });

    // The approval is decided late (an hour after it was asked, due after 29 min): still one breach, now settled.
    await api.ds.query(`UPDATE approvals SET status = 'approved', decision = 'approve', decided_at = '2026-03-09T12:01:00Z' WHERE run_id = $1`, [r2]);
    m = await bothPaths(noon);
    expect(m.total).toMatchObject({ approvalsDecided: 1, approvalLatencyP50Seconds: fig(3600, 1), approvalLatencyP90Seconds: fig(3600, 1), approvalSlaBreaches: 1, slaBreachRate: fig(1, 1), reworkRate: fig(0, 4) });

    // A hand-off reports failure (h1: from timed out to failed, still one failure); h2 bounces: two.
    await api.ds.query(`UPDATE hand_offs SET status = 'failed', closed_at = '2026-03-10T11:30:00Z' WHERE id = $1`, [h1.id]);
    await api.ds.query(`UPDATE hand_offs SET status = 'bounced' WHERE run_id = $1 AND id <> $2`, [r3, h1.id]);
    m = await bothPaths(noon);
    expect(m.total).toMatchObject({ handOffs: 2, handOffFailures: 2, handOffFailureRate: fig(1, 2) });

    // A cost row is added (a retry of R5's step) and a shadow outcome recorded.
    await cost(r5, 0.25, 1);
    await shadow(r5, true);
    m = await bothPaths(noon);
    expect(m.total.totalCostUsd).toBeCloseTo(0.55, 12);
    expect(m.total).toMatchObject({ costPerRunUsd: { sampleSize: 5 }, shadowAgreementRate: fig(1, 1) });
    expect(m.buckets[1]!.figures.totalCostUsd).toBeCloseTo(0.45, 12);

    // R4 is re-opened: back in exception with an invalid_output item due 12:30 on the 10th.
    await api.ds.query(`UPDATE runs SET status = 'in_exception', reopen_count = 1, reopened_at = '2026-03-10T11:00:00Z' WHERE id = $1`, [r4]);
    await exception(r4, { reason: 'invalid_output', status: 'open', createdAt: '2026-03-10T11:00:00Z', resolvedAt: null, dueAt: '2026-03-10T12:30:00Z' });
    // Finished 300 (R5), 1200 (R3), 2400 (R1): p50 1200, p90 rank 1.8 → 1200 + 0.8 × 1200 = 2160.
    m = await bothPaths(noon);
    expect(m.total).toMatchObject({
      runsFinished: 3, completed: 2, cycleTimeP50Seconds: fig(1200, 3), cycleTimeP90Seconds: fig(2160, 3),
      runsReopened: 1, reworkRate: fig(0.25, 4), // (0 reworked + 1 re-opened) ÷ (1 decided + 2 completed + 1 re-opened)
      exceptionRate: fig(0.2, 5), exceptionsOpened: 1, exceptionsByReason: [{ reason: 'invalid_output', count: 1, rate: fig(0.2, 5) }],
      straightThroughRate: fig(1, 2), // R1 and R5 (a shadow outcome is no human touch)
      exceptionSlaBreaches: 0, slaBreachRate: fig(0.5, 2), // the exception is not due yet at noon
    });

    // Time passes, nothing is written: at 13:00 the exception is past due.
    expect(await dirty()).toBe(0);
    const later = await svc.compute('fresh', from, to, 'day', new Date('2026-03-10T13:00:00Z'));
    expect(later.total).toMatchObject({ exceptionSlaBreaches: 1, approvalSlaBreaches: 1, slaBreachRate: fig(1, 2) });
    expect(later.buckets[1]!.figures).toMatchObject({ exceptionSlaBreaches: 1, slaBreachRate: fig(1, 1) });

    // A run deleted (history cleaned up) leaves its hour; the hour's rollup row goes when it has no runs left.
    await api.ds.query(`DELETE FROM step_attempts WHERE run_id = $1`, [r1]);
    await api.ds.query(`DELETE FROM runs WHERE id = $1`, [r1]);
    m = await bothPaths(noon);
    expect(m.total).toMatchObject({ runsStarted: 4, runsFinished: 2 });
    expect(await api.ds.query(`SELECT hour FROM metrics_hourly WHERE workflow_id = $1 AND hour = '2026-03-09T10:00:00Z'`, [wf.fresh!.id])).toEqual([]);
  });
});

describe('metrics rollups: refresh and concurrent writers', () => {
  const from = new Date('2026-05-04T00:00:00Z');
  const to = new Date('2026-05-06T00:00:00Z');
  const scope = () => ({ workflowId: wf.fresh!.id, from, to });

  it('keeps a change that commits while a refresh runs dirty until the next refresh', async () => {
    const runner = api.ds.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      // Written but not committed yet when the refresh takes its snapshot.
      await runner.query(
        `INSERT INTO runs (workflow_id, version_id, mode, status, input, input_hash, idempotency_key, created_by, created_at, started_at, finished_at)
         VALUES ($1, $2, 'execute', 'completed', '{}', 'h', 'concurrent-1', $3, '2026-05-04T10:15:00Z', '2026-05-04T10:15:00Z', '2026-05-04T10:25:00Z')`,
        [wf.fresh!.id, wf.fresh!.version, principal],
      );
      await svc.refreshRollups();
      await runner.commitTransaction();
    } finally {
      await runner.release();
    }
    expect(await countDirtyHours(api.ds, scope())).toBe(1);
    const m = await svc.compute('fresh', from, to, 'day', to);
    expect(m.total).toMatchObject({ runsStarted: 1, runsFinished: 1, cycleTimeP50Seconds: fig(600, 1) });
    await svc.refreshRollups();
    expect(await countDirtyHours(api.ds, scope())).toBe(0);
    expect((await svc.compute('fresh', from, to, 'day', to)).total).toEqual(m.total);
  });

  it('refreshes a window with many dirty hours on read, and answers the same', async () => {
    for (let h = 0; h < 30; h++) {
      const created = new Date(Date.parse('2026-05-04T12:00:00Z') + h * 3_600_000 + 7_000).toISOString(); // 30 distinct hours
      await insertRun('fresh', { status: 'failed', createdAt: created, finishedAt: new Date(Date.parse(created) + (h + 1) * 1_000).toISOString() });
    }
    expect(await countDirtyHours(api.ds, scope())).toBe(30);
    const m = await svc.compute('fresh', from, to, 'day', to);
    expect(await countDirtyHours(api.ds, scope())).toBe(0); // more than 24 dirty hours: refreshed first
    // 31 runs: 30 failed ones (1 … 30 s) and the one above (600 s): p50 is the 16th value, 16 s.
    expect(m.total).toMatchObject({ runsStarted: 31, failed: 30, errorRate: fig(30 / 31, 31), cycleTimeP50Seconds: fig(16, 31) });
    expect(m.buckets.map((b) => b.figures.runsStarted)).toEqual([13, 18]); // 4 May: 12:00–23:00 and the run above
  });
});

/*
 * The reference: the straightforward SQL over the raw tables that served the figures before
 * the rollups (one statement per group, GROUPING SETS for buckets and total, PostgreSQL's own
 * percentile_cont), and the ratios taken from it by hand below.
 */
const REF_COHORT = `cohort AS MATERIALIZED (
  SELECT r.id, date_trunc($3, r.created_at, 'UTC') AS bucket_start, r.status, r.reopen_count,
         EXTRACT(EPOCH FROM r.finished_at - r.created_at)::float8 AS cycle_seconds
    FROM runs r WHERE r.created_at >= $1 AND r.created_at < $2 AND ($4::uuid IS NULL OR r.workflow_id = $4))`;
const REF_TERMINAL = `('completed', 'failed', 'cancelled', 'handed_off')`;
const REF_RUNS = `
WITH ${REF_COHORT},
a AS (SELECT a.run_id, count(*) AS n FROM approvals a JOIN cohort c ON c.id = a.run_id GROUP BY a.run_id),
x AS (SELECT x.run_id, count(*) AS n FROM exception_items x JOIN cohort c ON c.id = x.run_id GROUP BY x.run_id),
h AS (SELECT h.run_id, count(*) AS n FROM hand_offs h JOIN cohort c ON c.id = h.run_id GROUP BY h.run_id),
k AS (SELECT s.run_id, sum(s.cost_usd) AS usd FROM step_attempts s JOIN cohort c ON c.id = s.run_id GROUP BY s.run_id)
SELECT c.bucket_start, GROUPING(c.bucket_start)::int AS is_total, count(*)::int AS started,
       count(*) FILTER (WHERE c.status IN ${REF_TERMINAL})::int AS finished,
       count(*) FILTER (WHERE c.status = 'completed')::int AS completed, count(*) FILTER (WHERE c.status = 'failed')::int AS failed,
       count(*) FILTER (WHERE c.status = 'cancelled')::int AS cancelled, count(*) FILTER (WHERE c.status = 'handed_off')::int AS handed_off,
       count(c.cycle_seconds) FILTER (WHERE c.status IN ${REF_TERMINAL})::int AS cycle_n,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY c.cycle_seconds) FILTER (WHERE c.status IN ${REF_TERMINAL}) AS p50,
       percentile_cont(0.9) WITHIN GROUP (ORDER BY c.cycle_seconds) FILTER (WHERE c.status IN ${REF_TERMINAL}) AS p90,
       count(*) FILTER (WHERE c.status = 'completed' AND a.n IS NULL AND x.n IS NULL AND h.n IS NULL AND c.reopen_count = 0)::int AS stp,
       count(x.n)::int AS with_exc, COALESCE(sum(x.n), 0)::int AS exc, count(*) FILTER (WHERE c.reopen_count > 0)::int AS reopened,
       count(*) FILTER (WHERE c.status = 'completed' OR c.reopen_count > 0)::int AS ever_completed,
       COALESCE(sum(k.usd), 0)::float8 AS cost, count(so.agreed)::int AS shadow_n, count(*) FILTER (WHERE so.agreed)::int AS shadow_agreed
  FROM cohort c LEFT JOIN a ON a.run_id = c.id LEFT JOIN x ON x.run_id = c.id LEFT JOIN h ON h.run_id = c.id
  LEFT JOIN k ON k.run_id = c.id LEFT JOIN shadow_outcomes so ON so.run_id = c.id
 GROUP BY GROUPING SETS ((c.bucket_start), ())`;
const REF_APPROVALS = `
WITH ${REF_COHORT},
ap AS (SELECT c.bucket_start, a.status, a.decision, a.due_at, a.decided_at,
              CASE WHEN a.status IN ('approved', 'rejected') THEN EXTRACT(EPOCH FROM a.decided_at - a.created_at)::float8 END AS lat
         FROM approvals a JOIN cohort c ON c.id = a.run_id)
SELECT bucket_start, GROUPING(bucket_start)::int AS is_total, count(*)::int AS requested, count(lat)::int AS decided,
       count(*) FILTER (WHERE decision IN ('edit_and_approve', 'reject'))::int AS reworked,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY lat) AS p50, percentile_cont(0.9) WITHIN GROUP (ORDER BY lat) AS p90,
       count(*) FILTER (WHERE due_at IS NOT NULL AND status <> 'cancelled')::int AS with_due,
       count(*) FILTER (WHERE due_at IS NOT NULL AND ((status IN ('approved', 'rejected') AND decided_at > due_at) OR (status = 'pending' AND due_at < $5)))::int AS breached
  FROM ap GROUP BY GROUPING SETS ((bucket_start), ())`;
const REF_EXCEPTIONS = `
WITH ${REF_COHORT}
SELECT c.bucket_start, x.reason, GROUPING(c.bucket_start)::int AS is_total, GROUPING(x.reason)::int AS all_reasons,
       count(*)::int AS count, count(DISTINCT x.run_id)::int AS runs, count(*) FILTER (WHERE x.due_at IS NOT NULL)::int AS with_due,
       count(*) FILTER (WHERE x.due_at IS NOT NULL AND ((x.status = 'resolved' AND x.resolved_at > x.due_at) OR (x.status <> 'resolved' AND x.due_at < $5)))::int AS breached
  FROM exception_items x JOIN cohort c ON c.id = x.run_id
 GROUP BY GROUPING SETS ((c.bucket_start, x.reason), (x.reason), (c.bucket_start), ()) ORDER BY count DESC, x.reason`;
const REF_HAND_OFFS = `
WITH ${REF_COHORT}
SELECT c.bucket_start, GROUPING(c.bucket_start)::int AS is_total, count(*)::int AS n,
       count(*) FILTER (WHERE h.status IN ('failed', 'bounced') OR (h.status IN ('pending', 'accepted') AND h.due_at < $5))::int AS failures
  FROM hand_offs h JOIN cohort c ON c.id = h.run_id GROUP BY GROUPING SETS ((c.bucket_start), ())`;
const REF_PERIOD = `
SELECT count(*)::int AS runs, COALESCE((SELECT sum(s.cost_usd) FROM step_attempts s JOIN runs r ON r.id = s.run_id
         WHERE r.created_at >= $1 AND r.created_at < $2 AND ($3::uuid IS NULL OR r.workflow_id = $3)), 0)::float8 AS cost
  FROM runs r WHERE r.created_at >= $1 AND r.created_at < $2 AND ($3::uuid IS NULL OR r.workflow_id = $3)`;

async function reference(workflowId: string | null, from: Date, to: Date, bucket: MetricBucket, now: Date) {
  const p = [from, to, bucket, workflowId];
  const key = (r: { is_total: number; bucket_start: Date | null }) => (r.is_total ? 'total' : new Date(r.bucket_start!).toISOString());
  const runs = new Map((await api.ds.query(REF_RUNS, p)).map((r: any) => [key(r), r]));
  const aps = new Map((await api.ds.query(REF_APPROVALS, [...p, now])).map((r: any) => [key(r), r]));
  const excs: any[] = await api.ds.query(REF_EXCEPTIONS, [...p, now]);
  const hos = new Map((await api.ds.query(REF_HAND_OFFS, [...p, now])).map((r: any) => [key(r), r]));
  const figures = (k: string): MetricsFiguresType => {
    const r: any = runs.get(k) ?? {};
    const a: any = aps.get(k) ?? {};
    const h: any = hos.get(k) ?? {};
    const mine = excs.filter((x) => key(x) === k);
    const all = mine.find((x) => x.all_reasons === 1) ?? {};
    const started = r.started ?? 0;
    const approvalBreaches = a.breached ?? 0;
    const exceptionBreaches = all.breached ?? 0;
    return {
      runsStarted: started, runsFinished: r.finished ?? 0, completed: r.completed ?? 0, failed: r.failed ?? 0, cancelled: r.cancelled ?? 0, handedOff: r.handed_off ?? 0,
      cycleTimeP50Seconds: valueFigure(r.p50, r.cycle_n ?? 0), cycleTimeP90Seconds: valueFigure(r.p90, r.cycle_n ?? 0),
      straightThroughRate: rateFigure(r.stp ?? 0, r.completed ?? 0), exceptionRate: rateFigure(r.with_exc ?? 0, started), exceptionsOpened: r.exc ?? 0,
      exceptionsByReason: mine.filter((x) => x.all_reasons === 0).map((x) => ({ reason: x.reason, count: x.count, rate: rateFigure(x.runs, started) })),
      handOffs: h.n ?? 0, handOffFailures: h.failures ?? 0, handOffFailureRate: rateFigure(h.failures ?? 0, h.n ?? 0),
      approvalsRequested: a.requested ?? 0, approvalsDecided: a.decided ?? 0, approvalsReworked: a.reworked ?? 0, runsReopened: r.reopened ?? 0,
      reworkRate: rateFigure((a.reworked ?? 0) + (r.reopened ?? 0), (a.decided ?? 0) + (r.ever_completed ?? 0)),
      errorRate: rateFigure(r.failed ?? 0, r.finished ?? 0),
      approvalLatencyP50Seconds: valueFigure(a.p50, a.decided ?? 0), approvalLatencyP90Seconds: valueFigure(a.p90, a.decided ?? 0),
      approvalSlaBreaches: approvalBreaches, exceptionSlaBreaches: exceptionBreaches,
      slaBreachRate: rateFigure(approvalBreaches + exceptionBreaches, (a.with_due ?? 0) + (all.with_due ?? 0)),
      totalCostUsd: r.cost ?? 0, costPerRunUsd: rateFigure(r.cost ?? 0, started), shadowAgreementRate: rateFigure(r.shadow_agreed ?? 0, r.shadow_n ?? 0),
    };
  };
  const previousFrom = new Date(from.getTime() - (to.getTime() - from.getTime()));
  const [prev] = await api.ds.query(REF_PERIOD, [previousFrom, from, workflowId]);
  const total = figures('total');
  const previousCost = rateFigure(prev.cost, prev.runs);
  return {
    total,
    buckets: bucketStarts(from, to, bucket).map((start) => ({ start, figures: figures(start.toISOString()) })),
    costDriftVsPrevious: {
      percent: total.costPerRunUsd.sampleSize === 0 ? null : percentChange(total.costPerRunUsd.value, previousCost.value, previousCost.sampleSize),
      costPerRunUsd: total.costPerRunUsd.value, sampleSize: total.costPerRunUsd.sampleSize, previousFrom,
      previousCostPerRunUsd: previousCost.value, previousSampleSize: previousCost.sampleSize,
    },
  };
}

/** Deterministic PRNG (mulberry32). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('metrics rollups: against the plain-SQL reference', () => {
  const start = Date.parse('2026-04-01T00:00:00Z'); // a Wednesday: the window crosses week boundaries
  const days = 20;
  const iso = (ms: number) => new Date(ms).toISOString();

  beforeAll(async () => {
    const rnd = prng(20261126);
    const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    const STATUSES = ['completed', 'completed', 'completed', 'failed', 'cancelled', 'handed_off', 'running', 'waiting_approval', 'in_exception', 'queued'] as const;
    const REASONS = ['low_confidence', 'invalid_output', 'tool_error', 'missing_data', 'policy_blocked', 'timeout', 'model_error'] as const;
    for (let i = 0; i < 360; i++) {
      const key = rnd() < 0.8 ? 'rand' : 'rand-other';
      // Many runs sit right at hour / day boundaries (±2 min), the rest anywhere; microseconds included.
      const hourEdge = start + Math.floor(rnd() * days * 24) * 3_600_000;
      const created = rnd() < 0.3 ? hourEdge + Math.floor((rnd() - 0.5) * 240_000) : start + Math.floor(rnd() * days * 86_400_000);
      const createdAt = `${iso(created).slice(0, 19)}.${String(Math.floor(rnd() * 1e6)).padStart(6, '0')}Z`;
      const status = pick(STATUSES);
      const terminal = ['completed', 'failed', 'cancelled', 'handed_off'].includes(status);
      const finishedAt = terminal ? iso(created + Math.floor(rnd() * 7_200_000) + 1_000) : null;
      const reopenCount = status === 'completed' && rnd() < 0.1 ? 1 : 0;
      const id = await insertRun(key, { status, createdAt, finishedAt, reopenCount });
      const attempts = Math.floor(rnd() * 3);
      for (let a = 1; a <= attempts; a++) await cost(id, rnd() < 0.2 ? null : Math.round(rnd() * 1_000_000) / 1_000_000, a);
      const approvals = rnd() < 0.4 ? 1 + Math.floor(rnd() * 2) : 0;
      for (let a = 0; a < approvals; a++) {
        const st = pick(['approved', 'approved', 'rejected', 'cancelled', 'pending'] as const);
        const asked = created + 60_000;
        const decidedAt = st === 'approved' || st === 'rejected' ? iso(asked + Math.floor(rnd() * 5_400_000)) : null;
        const decision = st === 'approved' ? pick(['approve', 'edit_and_approve'] as const) : st === 'rejected' ? 'reject' : null;
        await approval(id, { status: st, decision, createdAt: iso(asked), decidedAt, dueAt: rnd() < 0.2 ? null : iso(asked + 1_800_000 + Math.floor(rnd() * 86_400_000 * 3)) }, `step-${a}`);
      }
      const exceptions = rnd() < 0.3 ? 1 + Math.floor(rnd() * 2) : 0;
      for (let x = 0; x < exceptions; x++) {
        const st = pick(['resolved', 'resolved', 'open', 'claimed'] as const);
        const opened = created + 30_000;
        await exception(id, { reason: pick(REASONS), status: st, createdAt: iso(opened), resolvedAt: st === 'resolved' ? iso(opened + Math.floor(rnd() * 7_200_000)) : null, dueAt: rnd() < 0.25 ? null : iso(opened + Math.floor(rnd() * 86_400_000 * 4)) }, `step-${x}`);
      }
      if (rnd() < 0.15) await handOff(id, pick(['pending', 'accepted', 'completed', 'failed', 'bounced'] as const), iso(created + 120_000), rnd() < 0.1 ? null : iso(created + Math.floor(rnd() * 86_400_000 * 4)));
      if (rnd() < 0.3) await shadow(id, pick([true, true, false, null] as const));
    }
    // Part of the history is rolled up, then more changes arrive: some hours are stored, some dirty.
    await svc.refreshRollups();
    await api.ds.query(`UPDATE runs SET status = 'completed', finished_at = created_at + interval '17 minutes 3.25 seconds' WHERE id IN (SELECT id FROM runs WHERE status = 'running' ORDER BY id LIMIT 8)`);
    await api.ds.query(`UPDATE approvals SET status = 'approved', decision = 'edit_and_approve', decided_at = created_at + interval '2 days' WHERE id IN (SELECT id FROM approvals WHERE status = 'pending' ORDER BY id LIMIT 5)`);
    await api.ds.query(`UPDATE exception_items SET status = 'resolved', resolution = 'retry', resolved_at = created_at + interval '3 hours' WHERE id IN (SELECT id FROM exception_items WHERE status = 'open' ORDER BY id LIMIT 5)`);
    await api.ds.query(`UPDATE hand_offs SET status = 'bounced' WHERE id IN (SELECT id FROM hand_offs WHERE status = 'pending' ORDER BY id LIMIT 3)`);
    await api.ds.query(`UPDATE step_attempts SET cost_usd = 0.333333 WHERE id IN (SELECT id FROM step_attempts WHERE cost_usd IS NULL ORDER BY id LIMIT 5)`);
    expect(await countDirtyHours(api.ds)).toBeGreaterThan(0);
  });

  const windows: Array<{ name: string; from: number; to: number; bucket: MetricBucket }> = [
    { name: 'odd edges, by day', from: start + 3 * 86_400_000 + 4_937_123, to: start + 17 * 86_400_000 - 2_600_001, bucket: 'day' },
    { name: 'odd edges, by week', from: start + 86_400_000 + 1_111, to: start + days * 86_400_000 - 1, bucket: 'week' },
    { name: 'whole days, by hour', from: start + 5 * 86_400_000, to: start + 8 * 86_400_000, bucket: 'hour' },
    { name: 'inside one hour', from: start + 9 * 86_400_000 + 600_000, to: start + 9 * 86_400_000 + 3_000_000, bucket: 'hour' },
    { name: 'everything, by day', from: start - 86_400_000, to: start + (days + 1) * 86_400_000, bucket: 'day' },
  ];
  const nows = [new Date(start + 10 * 86_400_000 + 1_234), new Date(start + 40 * 86_400_000)];

  it.each(windows)('gives the reference answer for every figure: $name, one workflow and all, before and after a refresh', async ({ from, to, bucket }) => {
    for (const refreshFirst of [false, true]) {
      if (refreshFirst) await svc.refreshRollups();
      for (const key of ['rand', null]) {
        const workflowId = key ? wf[key]!.id : null;
        for (const now of nows) {
          const actual = await svc.compute(key, new Date(from), new Date(to), bucket, now);
          const expected = await reference(workflowId, new Date(from), new Date(to), bucket, now);
          expect(actual.total).toEqual(expected.total);
          expect(actual.buckets).toEqual(expected.buckets);
          expect(actual.costDriftVsPrevious).toEqual(expected.costDriftVsPrevious);
        }
      }
    }
    expect(await countDirtyHours(api.ds)).toBe(0);
  });

  it('is compared on a fixture that exercises every figure', async () => {
    const { total } = await reference(wf.rand!.id, new Date(start), new Date(start + days * 86_400_000), 'day', nows[0]!);
    expect(total.runsStarted).toBeGreaterThan(250);
    for (const f of [total.runsFinished, total.failed, total.cancelled, total.handedOff, total.exceptionsOpened, total.handOffFailures, total.approvalsReworked, total.runsReopened, total.approvalSlaBreaches, total.exceptionSlaBreaches]) {
      expect(f).toBeGreaterThan(0);
    }
    expect(total.exceptionsByReason.length).toBeGreaterThan(3);
    expect(total.straightThroughRate.value).toBeGreaterThan(0);
    expect(total.shadowAgreementRate.sampleSize).toBeGreaterThan(0);
  });

  it('reads only the rollup for clean whole hours (the raw tables are not consulted)', async () => {
    await svc.refreshRollups();
    const from = new Date(start + 2 * 86_400_000);
    const to = new Date(start + 12 * 86_400_000);
    const before = await svc.compute('rand', from, to, 'day', nows[0]!);
    // Tamper with a stored hour behind the log's back: the answer must show it, proving the rollup path.
    const [hour] = await api.ds.query(`SELECT hour FROM metrics_hourly WHERE workflow_id = $1 AND hour >= $2 AND hour < $3 ORDER BY hour LIMIT 1`, [wf.rand!.id, from, to]);
    await api.ds.query(`UPDATE metrics_hourly SET runs_started = runs_started + 1000 WHERE workflow_id = $1 AND hour = $2`, [wf.rand!.id, hour.hour]);
    const tampered = await svc.compute('rand', from, to, 'day', nows[0]!);
    expect(tampered.total.runsStarted).toBe(before.total.runsStarted + 1000);
    // Logging the hour as changed sends it back to the raw tables, and a refresh rewrites it.
    await api.ds.query(`INSERT INTO metrics_changes (workflow_id, hour) VALUES ($1, $2)`, [wf.rand!.id, hour.hour]);
    expect((await svc.compute('rand', from, to, 'day', nows[0]!)).total).toEqual(before.total);
    await svc.refreshRollups();
    expect((await svc.compute('rand', from, to, 'day', nows[0]!)).total).toEqual(before.total);
  });
});

describe('metrics arithmetic', () => {
  it('takes percentile_cont like PostgreSQL over several packed arrays', () => {
    const parts = [Float64Array.from([5, 1, 9]), Float64Array.from([]), Float64Array.from([3, 7, 7])];
    // Sorted 1 3 5 7 7 9: p50 rank 2.5 → 5 + 0.5 × 2 = 6; p90 rank 4.5 → 7 + 0.5 × 2 = 8; p0 1; p1 9.
    expect(percentileCont(parts, [0.5, 0.9, 0, 1])).toEqual([6, 8, 1, 9]);
    expect(percentileCont([], [0.5])).toEqual([null]);
    expect(percentileCont([Float64Array.from([42])], [0.5, 0.9])).toEqual([42, 42]);
    expect(parts[0]).toEqual(Float64Array.from([5, 1, 9])); // inputs untouched
  });

  it('sums numeric decimals exactly before converting once', () => {
    expect(sumDecimals(['0.100000', '0.200000'])).toBe(0.3); // a float sum would give 0.30000000000000004
    expect(sumDecimals(['-1.5', '2', null, '0.000001'])).toBe(0.500001);
    expect(sumDecimals([])).toBe(0);
  });
});
