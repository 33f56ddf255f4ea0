import { percentChange, planMetricsWindow, rateFigure, valueFigure, type MetricBucket } from '@gatehouse/domain';
import type { DataSource } from 'typeorm';
import { loadWorkflow } from '@gatehouse/db';
import { APPROVAL_FIGURES_SQL, EXCEPTION_FIGURES_SQL, HAND_OFF_FIGURES_SQL, PERIOD_COST_SQL, RUN_FIGURES_SQL } from './metrics.sql.js';
import type { ExceptionReasonFigureType, MetricsFiguresType, MetricsType } from './metrics.types.js';

interface Grouped {
  bucket_start: Date | null;
  is_total: number;
}
interface RunRow extends Grouped {
  runs_started: number;
  runs_finished: number;
  completed: number;
  failed: number;
  cancelled: number;
  handed_off: number;
  cycle_n: number;
  cycle_p50: number | null;
  cycle_p90: number | null;
  straight_through: number;
  runs_with_exception: number;
  exceptions_opened: number;
  runs_reopened: number;
  ever_completed: number;
  total_cost_usd: number;
  shadow_n: number;
  shadow_agreed: number;
}
interface ApprovalRow extends Grouped {
  requested: number;
  decided: number;
  reworked: number;
  latency_p50: number | null;
  latency_p90: number | null;
  with_due: number;
  breached: number;
}
interface ExceptionRow extends Grouped {
  reason: string | null;
  is_all_reasons: number;
  count: number;
  runs: number;
  with_due: number;
  breached: number;
}
interface HandOffRow extends Grouped {
  hand_offs: number;
  failures: number;
}

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

/** Rows keyed by bucket start (ms), the total under 'total'. */
function byBucket<T extends Grouped>(rows: T[]): Map<number | 'total', T> {
  return new Map(rows.map((r) => [r.is_total === 1 ? 'total' : new Date(r.bucket_start!).getTime(), r] as const));
}

interface Slice {
  run?: RunRow | undefined;
  approval?: ApprovalRow | undefined;
  exceptions: ExceptionRow[];
  handOff?: HandOffRow | undefined;
}

/** The figures of one bucket (or the total); absent rows are an empty sample: zeros, never NaN. */
function toFigures({ run, approval, exceptions, handOff }: Slice): MetricsFiguresType {
  const r = run;
  const started = r?.runs_started ?? 0;
  const finished = r?.runs_finished ?? 0;
  const completed = r?.completed ?? 0;
  const cycleN = r?.cycle_n ?? 0;
  const decided = approval?.decided ?? 0;
  const reworked = approval?.reworked ?? 0;
  const reopened = r?.runs_reopened ?? 0;
  const all = exceptions.find((x) => x.is_all_reasons === 1);
  const byReason: ExceptionReasonFigureType[] = exceptions
    .filter((x) => x.is_all_reasons === 0)
    .map((x) => ({ reason: x.reason!, count: x.count, rate: rateFigure(x.runs, started) }));
  const approvalBreaches = approval?.breached ?? 0;
  const exceptionBreaches = all?.breached ?? 0;
  const totalCost = r?.total_cost_usd ?? 0;
  const handOffs = handOff?.hand_offs ?? 0;
  const handOffFailures = handOff?.failures ?? 0;
  return {
    runsStarted: started,
    runsFinished: finished,
    completed,
    failed: r?.failed ?? 0,
    cancelled: r?.cancelled ?? 0,
    handedOff: r?.handed_off ?? 0,
    cycleTimeP50Seconds: valueFigure(r?.cycle_p50, cycleN),
    cycleTimeP90Seconds: valueFigure(r?.cycle_p90, cycleN),
    straightThroughRate: rateFigure(r?.straight_through ?? 0, completed),
    exceptionRate: rateFigure(r?.runs_with_exception ?? 0, started),
    exceptionsOpened: r?.exceptions_opened ?? 0,
    exceptionsByReason: byReason,
    handOffs,
    handOffFailures,
    handOffFailureRate: rateFigure(handOffFailures, handOffs),
    approvalsRequested: approval?.requested ?? 0,
    approvalsDecided: decided,
    approvalsReworked: reworked,
    runsReopened: reopened,
    reworkRate: rateFigure(reworked + reopened, decided + (r?.ever_completed ?? 0)),
    errorRate: rateFigure(r?.failed ?? 0, finished),
    approvalLatencyP50Seconds: valueFigure(approval?.latency_p50, decided),
    approvalLatencyP90Seconds: valueFigure(approval?.latency_p90, decided),
    approvalSlaBreaches: approvalBreaches,
    exceptionSlaBreaches: exceptionBreaches,
    slaBreachRate: rateFigure(approvalBreaches + exceptionBreaches, (approval?.with_due ?? 0) + (all?.with_due ?? 0)),
    totalCostUsd: totalCost,
    costPerRunUsd: rateFigure(totalCost, started),
    shadowAgreementRate: rateFigure(r?.shadow_agreed ?? 0, r?.shadow_n ?? 0),
  };
}

export class MetricsService {
  constructor(private readonly ds: DataSource) {}

  /** `now` decides what is past due (SLA breaches, timed-out hand-offs); tests pin it. */
  async compute(workflowKey: string | null, from: Date, to: Date, bucket: MetricBucket, now = new Date()): Promise<MetricsType> {
    planMetricsWindow(from, to, bucket);
    const workflow = workflowKey ? await loadWorkflow(this.ds.manager, workflowKey) : null;
    const workflowId = workflow?.id ?? null;
    const params = [from, to, bucket, workflowId];
    const withNow = [...params, now];
    const previousFrom = new Date(from.getTime() - (to.getTime() - from.getTime()));
    const runs = byBucket<RunRow>(await this.ds.query(RUN_FIGURES_SQL, params));
    const approvals = byBucket<ApprovalRow>(await this.ds.query(APPROVAL_FIGURES_SQL, withNow));
    const exceptionRows: ExceptionRow[] = await this.ds.query(EXCEPTION_FIGURES_SQL, withNow);
    const handOffs = byBucket<HandOffRow>(await this.ds.query(HAND_OFF_FIGURES_SQL, withNow));
    const [previous] = (await this.ds.query(PERIOD_COST_SQL, [previousFrom, from, workflowId])) as Array<{ runs: number; total_cost_usd: number }>;

    const slice = (key: number | 'total'): MetricsFiguresType =>
      toFigures({
        run: runs.get(key),
        approval: approvals.get(key),
        exceptions: exceptionRows.filter((x) => (key === 'total' ? x.is_total === 1 : x.is_total === 0 && new Date(x.bucket_start!).getTime() === key)),
        handOff: handOffs.get(key),
      });
    const total = slice('total');
    const costPerRun = total.costPerRunUsd;
    const previousCost = rateFigure(previous?.total_cost_usd ?? 0, previous?.runs ?? 0);
    const baseline = workflow?.evaluation.costBaselinePerRunUsd ?? null;
    return {
      workflowKey,
      from,
      to,
      bucket,
      total,
      exceptionsByReason: total.exceptionsByReason,
      buckets: bucketStarts(from, to, bucket).map((start) => ({ start, figures: slice(start.getTime()) })),
      costDriftVsPrevious: {
        percent: costPerRun.sampleSize === 0 ? null : percentChange(costPerRun.value, previousCost.value, previousCost.sampleSize),
        costPerRunUsd: costPerRun.value,
        sampleSize: costPerRun.sampleSize,
        previousFrom,
        previousCostPerRunUsd: previousCost.value,
        previousSampleSize: previousCost.sampleSize,
      },
      costDriftVsBaseline:
        baseline === null
          ? null
          : {
              percent: costPerRun.sampleSize === 0 ? null : percentChange(costPerRun.value, baseline),
              costPerRunUsd: costPerRun.value,
              sampleSize: costPerRun.sampleSize,
              baselinePerRunUsd: baseline,
            },
    };
  }
}
