import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEYS, publishedWorkflow } from '../../test/fixtures.js';
import { expectError, startTestApi, type TestApi } from '../../test/test-api.js';

const FIGURE = `{ value sampleSize }`;
const METRICS = `query ($key: String, $from: DateTimeISO!, $to: DateTimeISO!, $bucket: MetricBucket!) {
  metrics(workflowKey: $key, from: $from, to: $to, bucket: $bucket) {
    workflowKey bucket
    total { ...F }
    exceptionsByReason { reason count rate ${FIGURE} }
    buckets { start figures { ...F } }
    costDriftVsPrevious { percent costPerRunUsd sampleSize previousFrom previousCostPerRunUsd previousSampleSize }
    costDriftVsBaseline { percent costPerRunUsd sampleSize baselinePerRunUsd }
  }
}
fragment F on MetricsFigures {
  runsStarted runsFinished completed failed cancelled handedOff
  cycleTimeP50Seconds ${FIGURE} cycleTimeP90Seconds ${FIGURE}
  straightThroughRate ${FIGURE} exceptionRate ${FIGURE} exceptionsOpened
  exceptionsByReason { reason count rate ${FIGURE} }
  handOffs handOffFailures handOffFailureRate ${FIGURE}
  approvalsRequested approvalsDecided approvalsReworked runsReopened reworkRate ${FIGURE}
  errorRate ${FIGURE}
  approvalLatencyP50Seconds ${FIGURE} approvalLatencyP90Seconds ${FIGURE}
  approvalSlaBreaches exceptionSlaBreaches slaBreachRate ${FIGURE}
  totalCostUsd costPerRunUsd ${FIGURE} shadowAgreementRate ${FIGURE}
}`;
const WINDOW = { from: '2026-03-02T00:00:00.000Z', to: '2026-03-05T00:00:00.000Z' };

let api: TestApi;
let n = 0;
const ids: Record<string, { id: string; version: string }> = {};
let principal = '';

const fig = (value: number, sampleSize: number) => ({ value, sampleSize });
const t = (day: number, hhmm: string) => `2026-03-0${day}T${hhmm}:00Z`;

/** Inserts a run as history would have left it; returns its id. */
async function run(key: string, status: string, createdAt: string, finishedAt: string | null, opts: { costs?: Array<number | null>; reopenCount?: number } = {}) {
  const w = ids[key]!;
  const [row] = await api.ds.query(
    `INSERT INTO runs (workflow_id, version_id, mode, status, input, input_hash, idempotency_key, created_by, created_at, started_at, finished_at, reopen_count)
     VALUES ($1, $2, 'execute', $3, '{}', 'h', $4, $5, $6, $6, $7, $8) RETURNING id`,
    [w.id, w.version, status, `fixture-${++n}`, principal, createdAt, finishedAt, opts.reopenCount ?? 0],
  );
  let attempt = 0;
  for (const cost of opts.costs ?? []) {
    await api.ds.query(`INSERT INTO step_attempts (run_id, step_id, attempt, status, cost_usd, started_at) VALUES ($1, 'draft', $2, 'succeeded', $3, $4)`, [row.id, ++attempt, cost, createdAt]);
  }
  return row.id as string;
}

async function approval(runId: string, a: { status: string; decision: string | null; createdAt: string; decidedAt: string | null; dueAt: string | null }) {
  await api.ds.query(
    `INSERT INTO approvals (run_id, workflow_id, step_id, action_class, required_role, status, decision, proposed, created_at, decided_at, due_at)
     SELECT id, workflow_id, 'reply', 'customer_impacting', 'reviewer', $2, $3, '{}', $4, $5, $6 FROM runs WHERE id = $1`,
    [runId, a.status, a.decision, a.createdAt, a.decidedAt, a.dueAt],
  );
}

async function exception(runId: string, x: { reason: string; createdAt: string; resolvedAt: string | null; dueAt: string | null; resolution?: string }) {
  const [row] = await api.ds.query(
    `INSERT INTO exception_items (run_id, workflow_id, step_id, reason, status, resolution, created_at, resolved_at, due_at)
     SELECT id, workflow_id, 'draft', $2, $3, $4, $5, $6, $7 FROM runs WHERE id = $1 RETURNING id`,
    [runId, x.reason, x.resolvedAt ? 'resolved' : 'open', x.resolvedAt ? (x.resolution ?? 'cancel') : null, x.createdAt, x.resolvedAt, x.dueAt],
  );
  return row.id as string;
}

async function handOff(runId: string, status: string, createdAt: string, dueAt: string, exceptionId: string | null = null) {
  await api.ds.query(
    `INSERT INTO hand_offs (run_id, workflow_id, exception_id, target, status, due_at, created_at) SELECT id, workflow_id, $2, 'tier2', $3, $4, $5 FROM runs WHERE id = $1`,
    [runId, exceptionId, status, dueAt, createdAt],
  );
}

async function shadow(runId: string, agreed: boolean | null) {
  await api.ds.query(`INSERT INTO shadow_outcomes (run_id, workflow_id, human_outcome, agreed, recorded_by) SELECT id, workflow_id, '{}', $2, $3 FROM runs WHERE id = $1`, [runId, agreed, principal]);
}

beforeAll(async () => {
  api = await startTestApi();
  await publishedWorkflow(api, 'metrics');
  await publishedWorkflow(api, 'other');
  for (const key of ['metrics', 'other']) {
    const [w] = await api.ds.query(`SELECT id, published_version_id FROM workflows WHERE key = $1`, [key]);
    ids[key] = { id: w.id, version: w.published_version_id };
  }
  [{ id: principal }] = await api.ds.query(`SELECT id FROM principals ORDER BY email LIMIT 1`);
  await api.ds.query(`UPDATE workflows SET evaluation = '{"costBaselinePerRunUsd": 0.08}' WHERE key = 'metrics'`);

  // Day 1 — Monday 2 March 2026.
  const a = await run('metrics', 'completed', t(2, '10:00'), t(2, '10:10'), { costs: [0.1] }); // straight through, 600 s
  await shadow(a, true);
  const b = await run('metrics', 'completed', t(2, '11:00'), t(2, '12:00'), { costs: [0.1, 0.2] }); // 3600 s
  await approval(b, { status: 'approved', decision: 'edit_and_approve', createdAt: t(2, '11:10'), decidedAt: t(2, '11:30'), dueAt: t(2, '11:20') }); // edited, 1200 s, late
  await shadow(b, false);
  const c = await run('metrics', 'failed', t(2, '12:00'), t(2, '12:30'), { costs: [0.2] }); // 1800 s
  await exception(c, { reason: 'tool_error', createdAt: t(2, '12:05'), resolvedAt: t(2, '12:30'), dueAt: t(2, '12:35') }); // on time
  await shadow(c, null); // recorded but not comparable: not in the agreement sample
  const d = await run('metrics', 'in_exception', t(2, '13:00'), null, { costs: [null] });
  await exception(d, { reason: 'low_confidence', createdAt: t(2, '13:05'), resolvedAt: null, dueAt: t(2, '13:35') }); // open past due
  const e = await run('metrics', 'handed_off', t(2, '14:00'), t(2, '14:20'), { costs: [0.05] }); // 1200 s
  const xe = await exception(e, { reason: 'missing_data', createdAt: t(2, '14:05'), resolvedAt: t(2, '14:20'), dueAt: t(2, '15:05'), resolution: 'hand_off' });
  await handOff(e, 'bounced', t(2, '14:20'), t(3, '14:20'), xe);

  // Day 2 — Tuesday 3 March.
  const f = await run('metrics', 'cancelled', t(3, '09:00'), t(3, '09:05')); // 300 s
  await approval(f, { status: 'rejected', decision: 'reject', createdAt: t(3, '09:01'), decidedAt: t(3, '09:04'), dueAt: null }); // 180 s
  const g = await run('metrics', 'completed', t(3, '10:00'), t(3, '11:00'), { costs: [0.1], reopenCount: 1 }); // re-opened, completed again; 3600 s
  await approval(g, { status: 'approved', decision: 'approve', createdAt: t(3, '10:10'), decidedAt: t(3, '10:20'), dueAt: t(3, '11:00') }); // 600 s, on time
  const h = await run('metrics', 'handed_off', t(3, '12:00'), t(3, '12:10'), { costs: [0.15] }); // 600 s
  await approval(h, { status: 'cancelled', decision: null, createdAt: t(3, '12:00'), decidedAt: null, dueAt: t(3, '12:05') }); // withdrawn: no latency, no SLA
  const xh = await exception(h, { reason: 'low_confidence', createdAt: t(3, '12:01'), resolvedAt: t(3, '12:10'), dueAt: null, resolution: 'hand_off' });
  await handOff(h, 'pending', t(3, '12:10'), t(4, '12:10'), xh); // never reported back: timed out
  const i = await run('metrics', 'handed_off', t(3, '13:00'), t(3, '13:30')); // 1800 s
  const xi = await exception(i, { reason: 'tool_error', createdAt: t(3, '13:01'), resolvedAt: t(3, '13:30'), dueAt: t(3, '13:20'), resolution: 'hand_off' }); // late
  await handOff(i, 'completed', t(3, '13:30'), t(4, '13:30'), xi);
  const j = await run('metrics', 'handed_off', t(3, '14:00'), t(3, '14:40')); // 2400 s
  await handOff(j, 'failed', t(3, '14:40'), t(4, '14:40'));
  const k = await run('metrics', 'handed_off', t(3, '15:00'), t(3, '15:10')); // 600 s
  await handOff(k, 'accepted', t(3, '15:10'), '2099-01-01T00:00:00Z'); // accepted, not yet due

  // Day 3 (4 March) stays empty. Outside the window, another workflow, and the previous period.
  await run('metrics', 'completed', '2026-03-06T09:00:00Z', '2026-03-06T09:01:00Z', { costs: [5] });
  await run('other', 'completed', t(3, '10:00'), t(3, '10:01'), { costs: [1] });
  await run('metrics', 'completed', '2026-02-27T09:00:00Z', '2026-02-27T09:10:00Z', { costs: [0.1] });
  await run('metrics', 'completed', '2026-03-01T23:00:00Z', '2026-03-01T23:10:00Z', { costs: [0.04, 0.06] });
});
afterAll(() => api.close());

const closeTo = (actual: { value: number; sampleSize: number }, value: number, sampleSize: number) => {
  expect(actual.sampleSize).toBe(sampleSize);
  expect(actual.value).toBeCloseTo(value, 9);
};

describe('metrics', () => {
  it('computes every figure per day bucket and in total, as worked out by hand', async () => {
    const { metrics } = await api.ok(KEYS.viewer, METRICS, { key: 'metrics', bucket: 'day', ...WINDOW });
    expect(metrics.buckets.map((b: any) => b.start)).toEqual(['2026-03-02T00:00:00.000Z', '2026-03-03T00:00:00.000Z', '2026-03-04T00:00:00.000Z']);
    const [day1, day2, day3] = metrics.buckets.map((b: any) => b.figures);

    // Day 1: A B C D E. Finished A 600, E 1200, C 1800, B 3600 → p50 = 1200 + 0.5 × 600 = 1500;
    // p90 at rank 0.9 × 3 = 2.7 → 1800 + 0.7 × 1800 = 3060.
    const { costPerRunUsd: cost1, totalCostUsd: total1, ...rest1 } = day1;
    expect(rest1).toEqual({
      runsStarted: 5, runsFinished: 4, completed: 2, failed: 1, cancelled: 0, handedOff: 1,
      cycleTimeP50Seconds: fig(1500, 4), cycleTimeP90Seconds: fig(3060, 4),
      straightThroughRate: fig(0.5, 2), // A of A, B (B had an approval)
      exceptionRate: fig(0.6, 5), // C, D, E of 5
      exceptionsOpened: 3,
      exceptionsByReason: [
        { reason: 'low_confidence', count: 1, rate: fig(0.2, 5) },
        { reason: 'missing_data', count: 1, rate: fig(0.2, 5) },
        { reason: 'tool_error', count: 1, rate: fig(0.2, 5) },
      ],
      handOffs: 1, handOffFailures: 1, handOffFailureRate: fig(1, 1), // E bounced
      approvalsRequested: 1, approvalsDecided: 1, approvalsReworked: 1, runsReopened: 0,
      reworkRate: fig(1 / 3, 3), // (1 edit + 0 re-opened) ÷ (1 decided + 2 completed)
      errorRate: fig(0.25, 4), // C of 4 finished
      approvalLatencyP50Seconds: fig(1200, 1), approvalLatencyP90Seconds: fig(1200, 1),
      approvalSlaBreaches: 1, // B decided 11:30, due 11:20
      exceptionSlaBreaches: 1, // D open past 13:35; C and E resolved in time
      slaBreachRate: fig(0.5, 4), // 2 of (1 approval + 3 exceptions with a due time)
      shadowAgreementRate: fig(0.5, 2), // A agreed, B did not, C not comparable
    });
    closeTo(cost1, 0.13, 5); // 0.10 + (0.10 + 0.20) + 0.20 + 0 + 0.05 = 0.65 over 5 runs
    expect(total1).toBeCloseTo(0.65, 9);

    // Day 2: F G H I J K. Cycle 300, 600 (H), 600 (K), 1800, 2400, 3600 → p50 rank 2.5 → 600 + 0.5 × 1200 = 1200;
    // p90 rank 4.5 → 2400 + 0.5 × 1200 = 3000.
    const { costPerRunUsd: cost2, totalCostUsd: total2, ...rest2 } = day2;
    expect(rest2).toEqual({
      runsStarted: 6, runsFinished: 6, completed: 1, failed: 0, cancelled: 1, handedOff: 4,
      cycleTimeP50Seconds: fig(1200, 6), cycleTimeP90Seconds: fig(3000, 6),
      straightThroughRate: fig(0, 1), // G had an approval and was re-opened
      exceptionRate: fig(2 / 6, 6), // H, I
      exceptionsOpened: 2,
      exceptionsByReason: [
        { reason: 'low_confidence', count: 1, rate: fig(1 / 6, 6) },
        { reason: 'tool_error', count: 1, rate: fig(1 / 6, 6) },
      ],
      handOffs: 4, handOffFailures: 2, handOffFailureRate: fig(0.5, 4), // H timed out, J failed; I completed, K accepted and not due
      approvalsRequested: 3, approvalsDecided: 2, approvalsReworked: 1, runsReopened: 1,
      reworkRate: fig(2 / 3, 3), // (F rejected + G re-opened) ÷ (2 decided + G completed)
      errorRate: fig(0, 6),
      approvalLatencyP50Seconds: fig(390, 2), // 180, 600 → 180 + 0.5 × 420
      approvalLatencyP90Seconds: fig(558, 2), // 180 + 0.9 × 420
      approvalSlaBreaches: 0, // G on time; H's approval was withdrawn
      exceptionSlaBreaches: 1, // I resolved 13:30, due 13:20
      slaBreachRate: fig(0.5, 2), // 1 of (G's approval + I's exception)
      shadowAgreementRate: fig(0, 0),
    });
    closeTo(cost2, 0.25 / 6, 6); // G 0.10 + H 0.15
    expect(total2).toBeCloseTo(0.25, 9);

    // An empty bucket is zeros with sample size 0, never null or NaN.
    expect(day3).toEqual({
      runsStarted: 0, runsFinished: 0, completed: 0, failed: 0, cancelled: 0, handedOff: 0,
      cycleTimeP50Seconds: fig(0, 0), cycleTimeP90Seconds: fig(0, 0), straightThroughRate: fig(0, 0), exceptionRate: fig(0, 0),
      exceptionsOpened: 0, exceptionsByReason: [], handOffs: 0, handOffFailures: 0, handOffFailureRate: fig(0, 0),
      approvalsRequested: 0, approvalsDecided: 0, approvalsReworked: 0, runsReopened: 0, reworkRate: fig(0, 0), errorRate: fig(0, 0),
      approvalLatencyP50Seconds: fig(0, 0), approvalLatencyP90Seconds: fig(0, 0), approvalSlaBreaches: 0, exceptionSlaBreaches: 0,
      slaBreachRate: fig(0, 0), totalCostUsd: 0, costPerRunUsd: fig(0, 0), shadowAgreementRate: fig(0, 0),
    });

    // Total: cycle 300, 600, 600, 600, 1200, 1800, 1800, 2400, 3600, 3600 → p50 rank 4.5 → 1200 + 0.5 × 600 = 1500;
    // p90 rank 8.1 → 3600. Approval latencies 180, 600, 1200 → p50 600; p90 rank 1.8 → 600 + 0.8 × 600 = 1080.
    const { costPerRunUsd: cost, totalCostUsd: totalCost, ...rest } = metrics.total;
    expect(rest).toEqual({
      runsStarted: 11, runsFinished: 10, completed: 3, failed: 1, cancelled: 1, handedOff: 5,
      cycleTimeP50Seconds: fig(1500, 10), cycleTimeP90Seconds: fig(3600, 10),
      straightThroughRate: fig(1 / 3, 3), // A of A, B, G
      exceptionRate: fig(5 / 11, 11), exceptionsOpened: 5,
      exceptionsByReason: [
        { reason: 'low_confidence', count: 2, rate: fig(2 / 11, 11) },
        { reason: 'tool_error', count: 2, rate: fig(2 / 11, 11) },
        { reason: 'missing_data', count: 1, rate: fig(1 / 11, 11) },
      ],
      handOffs: 5, handOffFailures: 3, handOffFailureRate: fig(0.6, 5), // E, H, J
      approvalsRequested: 4, approvalsDecided: 3, approvalsReworked: 2, runsReopened: 1,
      reworkRate: fig(0.5, 6), // (2 + 1) ÷ (3 + 3)
      errorRate: fig(0.1, 10),
      approvalLatencyP50Seconds: fig(600, 3), approvalLatencyP90Seconds: fig(1080, 3),
      approvalSlaBreaches: 1, exceptionSlaBreaches: 2, slaBreachRate: fig(0.5, 6), // 3 of (B, G approvals + C, D, E, I exceptions)
      shadowAgreementRate: fig(0.5, 2),
    });
    closeTo(cost, 0.9 / 11, 11);
    expect(totalCost).toBeCloseTo(0.9, 9);
    expect(metrics.exceptionsByReason).toEqual(rest.exceptionsByReason);

    // Previous period 27 Feb – 2 Mar: 0.10 and 0.04 + 0.06 → 0.10 per run over 2 runs.
    // (0.9 / 11 − 0.10) ÷ 0.10 = 9/11 − 1 → −18.18 %.
    const prev = metrics.costDriftVsPrevious;
    expect(prev).toMatchObject({ sampleSize: 11, previousFrom: '2026-02-27T00:00:00.000Z', previousSampleSize: 2 });
    expect(prev.previousCostPerRunUsd).toBeCloseTo(0.1, 9);
    expect(prev.percent).toBeCloseTo((-2 / 11) * 100, 6);
    // Against the baseline 0.08: (0.9 / 11) ÷ 0.08 − 1 = 90/88 − 1 → +2.27 %.
    expect(metrics.costDriftVsBaseline).toMatchObject({ sampleSize: 11, baselinePerRunUsd: 0.08 });
    expect(metrics.costDriftVsBaseline.percent).toBeCloseTo((2 / 88) * 100, 6);
  });

  it('spans all workflows without a key, and buckets by hour and week', async () => {
    const all = await api.ok(KEYS.owner, METRICS, { key: null, bucket: 'week', ...WINDOW });
    expect(all.metrics.workflowKey).toBeNull();
    expect(all.metrics.total.runsStarted).toBe(12); // 11 + the other workflow's run
    expect(all.metrics.total.totalCostUsd).toBeCloseTo(1.9, 9);
    expect(all.metrics.costDriftVsBaseline).toBeNull(); // documented: no baseline across workflows
    expect(all.metrics.buckets).toHaveLength(1); // 2–4 March 2026 lie in the week of Monday 2 March
    expect(all.metrics.buckets[0].start).toBe('2026-03-02T00:00:00.000Z');
    const hourly = await api.ok(KEYS.owner, METRICS, { key: 'metrics', bucket: 'hour', from: '2026-03-02T10:30:00Z', to: '2026-03-02T13:30:00Z' });
    expect(hourly.metrics.buckets.map((b: any) => [b.start.slice(11, 16), b.figures.runsStarted])).toEqual([['10:00', 0], ['11:00', 1], ['12:00', 1], ['13:00', 1]]);
  });

  it('answers an empty period with zeros and sample size 0', async () => {
    const { metrics } = await api.ok(KEYS.viewer, METRICS, { key: 'metrics', bucket: 'day', from: '2025-06-01T00:00:00Z', to: '2025-06-03T00:00:00Z' });
    expect(metrics.total).toMatchObject({ runsStarted: 0, cycleTimeP50Seconds: fig(0, 0), costPerRunUsd: fig(0, 0), totalCostUsd: 0, exceptionsByReason: [] });
    expect(metrics.buckets).toHaveLength(2);
    expect(metrics.costDriftVsPrevious).toMatchObject({ percent: null, sampleSize: 0, previousSampleSize: 0 });
    expect(metrics.costDriftVsBaseline).toMatchObject({ percent: null, sampleSize: 0 });
  });

  it('refuses inverted windows, too many buckets, unknown workflows, bad dates and integrators', async () => {
    expectError(await api.gql(KEYS.viewer, METRICS, { key: 'metrics', bucket: 'day', from: WINDOW.to, to: WINDOW.from }), 'BAD_USER_INPUT');
    expectError(await api.gql(KEYS.viewer, METRICS, { key: 'metrics', bucket: 'hour', from: '2020-01-01T00:00:00Z', to: '2026-01-01T00:00:00Z' }), 'BAD_USER_INPUT');
    expectError(await api.gql(KEYS.viewer, METRICS, { key: 'nope', bucket: 'day', ...WINDOW }), 'NOT_FOUND');
    expectError(await api.gql(KEYS.viewer, METRICS, { key: 'metrics', bucket: 'day', from: 'yesterday', to: WINDOW.to }), 'BAD_USER_INPUT');
    expectError(await api.gql(KEYS.integrator, METRICS, { key: 'metrics', bucket: 'day', ...WINDOW }), 'FORBIDDEN');
  });
});
