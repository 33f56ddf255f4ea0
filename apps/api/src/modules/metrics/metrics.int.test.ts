import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gateRunForApproval, raiseRunException } from '@gatehouse/db';
import { KEYS, publishedWorkflow, startRun } from '../../test/fixtures.js';
import { expectError, startTestApi, type TestApi } from '../../test/test-api.js';

const METRICS = `query ($key: String, $from: DateTimeISO!, $to: DateTimeISO!, $bucket: MetricBucket!) {
  metrics(workflowKey: $key, from: $from, to: $to, bucket: $bucket) {
    workflowKey bucket
    total { ...F }
    exceptionsByReason { reason count }
    buckets { start figures { ...F } }
  }
}
fragment F on MetricsFigures {
  runsStarted runsFinished completed failed cancelled handedOff
  cycleTimeP50Seconds cycleTimeP90Seconds cycleTimeSampleSize
  straightThroughRate exceptionRate exceptionsOpened errorRate
  approvalsRequested approvalsDecided reworkRate
}`;
const DECIDE = `mutation ($id: ID!, $d: ApprovalDecision!, $reason: String, $edited: JSON) { decideApproval(approvalId: $id, decision: $d, reason: $reason, editedOutput: $edited) { status } }`;
const WINDOW = { from: '2026-03-02T00:00:00.000Z', to: '2026-03-05T00:00:00.000Z' };

let api: TestApi;
let n = 0;

/** Moves a run to a hand-chosen place in time and final status, as history would have it. */
async function place(runId: string, createdAt: string, finishedAt: string | null, status: string) {
  await api.ds.query(`UPDATE runs SET created_at = $2, finished_at = $3, status = $4 WHERE id = $1`, [runId, createdAt, finishedAt, status]);
}

async function run(key = 'metrics') {
  return startRun(api, key, `m-${++n}`);
}

beforeAll(async () => {
  api = await startTestApi();
  await publishedWorkflow(api, 'metrics');
  await publishedWorkflow(api, 'other');

  // Day 1 — Monday 2 March 2026
  const a = await run(); // straight through, 600 s
  await place(a, '2026-03-02T10:00:00Z', '2026-03-02T10:10:00Z', 'completed');
  const b = await run(); // approval edited, 3600 s
  const approvalB = await gateRunForApproval(api.ds, b, { stepId: 'reply', actionClass: 'customer_impacting', proposed: { body: 'draft' } });
  await api.ok(KEYS.reviewer, DECIDE, { id: approvalB.id, d: 'edit_and_approve', reason: 'tone', edited: { body: 'better' } });
  await place(b, '2026-03-02T11:00:00Z', '2026-03-02T12:00:00Z', 'completed');
  const c = await run(); // tool error, failed after 1800 s
  await raiseRunException(api.ds, c, { stepId: 'reply', reason: 'tool_error' });
  await place(c, '2026-03-02T12:00:00Z', '2026-03-02T12:30:00Z', 'failed');
  const d = await run(); // low confidence, still open
  await raiseRunException(api.ds, d, { stepId: 'check', reason: 'low_confidence' });
  await place(d, '2026-03-02T13:00:00Z', null, 'in_exception');
  // Day 2 — approval rejected, cancelled after 300 s
  const e = await run();
  const approvalE = await gateRunForApproval(api.ds, e, { stepId: 'reply', actionClass: 'customer_impacting', proposed: { body: 'draft' } });
  await api.ok(KEYS.reviewer, DECIDE, { id: approvalE.id, d: 'reject', reason: 'wrong customer' });
  await place(e, '2026-03-03T09:00:00Z', '2026-03-03T09:05:00Z', 'cancelled');
  // Outside the window, and another workflow inside it
  await place(await run(), '2026-03-06T09:00:00Z', '2026-03-06T09:01:00Z', 'completed');
  await place(await run('other'), '2026-03-03T10:00:00Z', '2026-03-03T10:01:00Z', 'completed');
});
afterAll(() => api.close());

describe('metrics', () => {
  it('computes every figure per day bucket and in total, as worked out by hand', async () => {
    const { metrics } = await api.ok(KEYS.viewer, METRICS, { key: 'metrics', bucket: 'day', ...WINDOW });
    expect(metrics.buckets.map((b: any) => b.start)).toEqual(['2026-03-02T00:00:00.000Z', '2026-03-03T00:00:00.000Z', '2026-03-04T00:00:00.000Z']);
    const [day1, day2, day3] = metrics.buckets.map((b: any) => b.figures);
    // Day 1: runs A, B, C, D. Cycle times 600, 3600, 1800 → median 1800; p90 = 1800 + 0.8 × (3600 − 1800) = 3240.
    expect(day1).toEqual({
      runsStarted: 4, runsFinished: 3, completed: 2, failed: 1, cancelled: 0, handedOff: 0,
      cycleTimeP50Seconds: 1800, cycleTimeP90Seconds: 3240, cycleTimeSampleSize: 3,
      straightThroughRate: 0.5, // A of A, B
      exceptionRate: 0.5, // C, D of 4
      exceptionsOpened: 2,
      errorRate: 1 / 3, // C of 3 finished
      approvalsRequested: 1, approvalsDecided: 1, reworkRate: 1,
    });
    expect(day2).toEqual({
      runsStarted: 1, runsFinished: 1, completed: 0, failed: 0, cancelled: 1, handedOff: 0,
      cycleTimeP50Seconds: 300, cycleTimeP90Seconds: 300, cycleTimeSampleSize: 1,
      straightThroughRate: 0, exceptionRate: 0, exceptionsOpened: 0, errorRate: 0,
      approvalsRequested: 1, approvalsDecided: 1, reworkRate: 1,
    });
    // An empty bucket is zeros with sample size 0, never null or NaN.
    expect(Object.values(day3).every((v) => v === 0)).toBe(true);
    // Total: cycle times 300, 600, 1800, 3600 → median 600 + 0.5 × 1200 = 1200; p90 = 1800 + 0.7 × 1800 = 3060.
    expect(metrics.total).toEqual({
      runsStarted: 5, runsFinished: 4, completed: 2, failed: 1, cancelled: 1, handedOff: 0,
      cycleTimeP50Seconds: 1200, cycleTimeP90Seconds: 3060, cycleTimeSampleSize: 4,
      straightThroughRate: 0.5, exceptionRate: 0.4, exceptionsOpened: 2, errorRate: 0.25,
      approvalsRequested: 2, approvalsDecided: 2, reworkRate: 1,
    });
    expect(metrics.exceptionsByReason).toEqual([{ reason: 'low_confidence', count: 1 }, { reason: 'tool_error', count: 1 }]);
  });

  it('spans all workflows without a key, and buckets by hour and week', async () => {
    const all = await api.ok(KEYS.owner, METRICS, { key: null, bucket: 'week', ...WINDOW });
    expect(all.metrics.workflowKey).toBeNull();
    expect(all.metrics.total.runsStarted).toBe(6);
    expect(all.metrics.buckets).toHaveLength(1); // 2–4 March 2026 lie in the week of Monday 2 March
    expect(all.metrics.buckets[0].start).toBe('2026-03-02T00:00:00.000Z');
    const hourly = await api.ok(KEYS.owner, METRICS, { key: 'metrics', bucket: 'hour', from: '2026-03-02T10:30:00Z', to: '2026-03-02T13:30:00Z' });
    expect(hourly.metrics.buckets.map((b: any) => [b.start.slice(11, 16), b.figures.runsStarted])).toEqual([['10:00', 0], ['11:00', 1], ['12:00', 1], ['13:00', 1]]);
  });

  it('refuses inverted windows, too many buckets, unknown workflows, bad dates and integrators', async () => {
    expectError(await api.gql(KEYS.viewer, METRICS, { key: 'metrics', bucket: 'day', from: WINDOW.to, to: WINDOW.from }), 'BAD_USER_INPUT');
    expectError(await api.gql(KEYS.viewer, METRICS, { key: 'metrics', bucket: 'hour', from: '2020-01-01T00:00:00Z', to: '2026-01-01T00:00:00Z' }), 'BAD_USER_INPUT');
    expectError(await api.gql(KEYS.viewer, METRICS, { key: 'nope', bucket: 'day', ...WINDOW }), 'NOT_FOUND');
    expectError(await api.gql(KEYS.viewer, METRICS, { key: 'metrics', bucket: 'day', from: 'yesterday', to: WINDOW.to }), 'BAD_USER_INPUT');
    expectError(await api.gql(KEYS.integrator, METRICS, { key: 'metrics', bucket: 'day', ...WINDOW }), 'FORBIDDEN');
  });
});
