import { planMetricsWindow, rate, type MetricBucket } from '@gatehouse/domain';
import type { DataSource } from 'typeorm';
import { loadWorkflow } from '@gatehouse/db';
import type { MetricsFiguresType, MetricsType } from './metrics.types.js';

interface FigureRow {
  bucket_start: Date | null;
  is_total: number;
  runs_started: number;
  runs_finished: number;
  completed: number;
  failed: number;
  cancelled: number;
  handed_off: number;
  p50: number | null;
  p90: number | null;
  straight_through: number;
  runs_with_exception: number;
  exceptions_opened: number;
  approvals_requested: number;
  approvals_decided: number;
  approvals_reworked: number;
}

/*
 * Cohort metrics: every figure is about the runs that started in the bucket, so a run is
 * counted once, in the bucket of its start, whatever happened to it later. One pass over the
 * runs with GROUPING SETS gives the buckets and the total (percentiles are not additive, so
 * the total cannot be summed from the buckets).
 */
const FIGURES_SQL = `
WITH cohort AS (
  SELECT date_trunc($3, r.created_at, 'UTC') AS bucket_start,
         r.status,
         EXTRACT(EPOCH FROM r.finished_at - r.created_at)::float8 AS cycle_seconds,
         (SELECT count(*) FROM approvals a WHERE a.run_id = r.id) AS approvals_requested,
         (SELECT count(*) FROM approvals a WHERE a.run_id = r.id AND a.status IN ('approved', 'rejected')) AS approvals_decided,
         (SELECT count(*) FROM approvals a WHERE a.run_id = r.id AND a.decision IN ('edit_and_approve', 'reject')) AS approvals_reworked,
         (SELECT count(*) FROM exception_items x WHERE x.run_id = r.id) AS exceptions
    FROM runs r
   WHERE r.created_at >= $1 AND r.created_at < $2 AND ($4::uuid IS NULL OR r.workflow_id = $4)
)
SELECT bucket_start,
       GROUPING(bucket_start)::int AS is_total,
       count(*)::int AS runs_started,
       count(*) FILTER (WHERE status IN ('completed', 'failed', 'cancelled', 'handed_off'))::int AS runs_finished,
       count(*) FILTER (WHERE status = 'completed')::int AS completed,
       count(*) FILTER (WHERE status = 'failed')::int AS failed,
       count(*) FILTER (WHERE status = 'cancelled')::int AS cancelled,
       count(*) FILTER (WHERE status = 'handed_off')::int AS handed_off,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY cycle_seconds) FILTER (WHERE cycle_seconds IS NOT NULL) AS p50,
       percentile_cont(0.9) WITHIN GROUP (ORDER BY cycle_seconds) FILTER (WHERE cycle_seconds IS NOT NULL) AS p90,
       count(*) FILTER (WHERE status = 'completed' AND approvals_requested = 0 AND exceptions = 0)::int AS straight_through,
       count(*) FILTER (WHERE exceptions > 0)::int AS runs_with_exception,
       COALESCE(sum(exceptions), 0)::int AS exceptions_opened,
       COALESCE(sum(approvals_requested), 0)::int AS approvals_requested,
       COALESCE(sum(approvals_decided), 0)::int AS approvals_decided,
       COALESCE(sum(approvals_reworked), 0)::int AS approvals_reworked
  FROM cohort
 GROUP BY GROUPING SETS ((bucket_start), ())`;

const BY_REASON_SQL = `
SELECT x.reason, count(*)::int AS count
  FROM exception_items x JOIN runs r ON r.id = x.run_id
 WHERE r.created_at >= $1 AND r.created_at < $2 AND ($3::uuid IS NULL OR r.workflow_id = $3)
 GROUP BY x.reason ORDER BY count DESC, x.reason`;

/** Bucket starts in UTC, matching PostgreSQL's date_trunc(bucket, ts, 'UTC'); weeks start Monday. */
export function bucketStarts(from: Date, to: Date, bucket: MetricBucket): Date[] {
  const start = new Date(from);
  start.setUTCMinutes(0, 0, 0);
  if (bucket !== 'hour') start.setUTCHours(0);
  if (bucket === 'week') start.setUTCDate(start.getUTCDate() - ((start.getUTCDay() + 6) % 7));
  const step = { hour: 3_600_000, day: 86_400_000, week: 604_800_000 }[bucket];
  const starts: Date[] = [];
  for (let t = start.getTime(); t < to.getTime(); t += step) starts.push(new Date(t));
  return starts;
}

function toFigures(row: FigureRow | undefined): MetricsFiguresType {
  const r = row ?? ({ runs_started: 0, runs_finished: 0, completed: 0, failed: 0, cancelled: 0, handed_off: 0, p50: null, p90: null, straight_through: 0, runs_with_exception: 0, exceptions_opened: 0, approvals_requested: 0, approvals_decided: 0, approvals_reworked: 0 } as FigureRow);
  return {
    runsStarted: r.runs_started,
    runsFinished: r.runs_finished,
    completed: r.completed,
    failed: r.failed,
    cancelled: r.cancelled,
    handedOff: r.handed_off,
    cycleTimeP50Seconds: r.p50 ?? 0,
    cycleTimeP90Seconds: r.p90 ?? 0,
    cycleTimeSampleSize: r.runs_finished,
    straightThroughRate: rate(r.straight_through, r.completed),
    exceptionRate: rate(r.runs_with_exception, r.runs_started),
    exceptionsOpened: r.exceptions_opened,
    errorRate: rate(r.failed, r.runs_finished),
    approvalsRequested: r.approvals_requested,
    approvalsDecided: r.approvals_decided,
    reworkRate: rate(r.approvals_reworked, r.approvals_decided),
  };
}

export class MetricsService {
  constructor(private readonly ds: DataSource) {}

  async compute(workflowKey: string | null, from: Date, to: Date, bucket: MetricBucket): Promise<MetricsType> {
    planMetricsWindow(from, to, bucket);
    const workflowId = workflowKey ? (await loadWorkflow(this.ds.manager, workflowKey)).id : null;
    const rows: FigureRow[] = await this.ds.query(FIGURES_SQL, [from, to, bucket, workflowId]);
    const byReason: Array<{ reason: string; count: number }> = await this.ds.query(BY_REASON_SQL, [from, to, workflowId]);
    const byStart = new Map(rows.filter((r) => r.is_total === 0).map((r) => [new Date(r.bucket_start!).getTime(), r]));
    return {
      workflowKey,
      from,
      to,
      bucket,
      total: toFigures(rows.find((r) => r.is_total === 1)),
      exceptionsByReason: byReason,
      buckets: bucketStarts(from, to, bucket).map((start) => ({ start, figures: toFigures(byStart.get(start.getTime())) })),
    };
  }
}
