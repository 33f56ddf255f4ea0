import { percentChange, planMetricsWindow, rateFigure, valueFigure, type MetricBucket } from '@gatehouse/domain';
import type { DataSource } from 'typeorm';
import { loadWorkflow } from '@gatehouse/db';
import { METRICS_SQL } from './metrics.sql.js';
import { countDirtyHours, refreshMetricsRollups } from './metrics.rollup.js';
import type { ExceptionReasonFigureType, MetricsFiguresType, MetricsType } from './metrics.types.js';

/** One (period, bucket) row of METRICS_SQL. */
interface BucketRow {
  period: number;
  bucket_start: Date;
  runs_started: number;
  runs_finished: number;
  completed: number;
  failed: number;
  cancelled: number;
  handed_off: number;
  cycle_n: number;
  cycle_values: string | null;
  straight_through: number;
  runs_with_exception: number;
  exceptions_opened: number;
  runs_reopened: number;
  ever_completed: number;
  /** The bucket's exact numeric cost sum, as PostgreSQL prints it. */
  total_cost_usd: string | null;
  shadow_n: number;
  shadow_agreed: number;
  approvals_requested: number;
  approvals_decided: number;
  approvals_reworked: number;
  approvals_with_due: number;
  approvals_late: number;
  latency_values: string | null;
  exceptions_with_due: number;
  exceptions_late: number;
  /** JSON: per hour { reason: [exceptions, runs with one] }. */
  exceptions_by_reason: string | null;
  hand_offs: number;
  hand_offs_failed: number;
  approvals_open_due: string | null;
  exceptions_open_due: string | null;
  hand_offs_open_due: string | null;
}

/** The additive figures of a bucket or of the total, before ratios. */
interface Sums {
  started: number;
  finished: number;
  completed: number;
  failed: number;
  cancelled: number;
  handedOff: number;
  straightThrough: number;
  runsWithException: number;
  exceptionsOpened: number;
  reopened: number;
  everCompleted: number;
  costUsd: number;
  shadowN: number;
  shadowAgreed: number;
  approvalsRequested: number;
  approvalsDecided: number;
  approvalsReworked: number;
  approvalsWithDue: number;
  approvalBreaches: number;
  exceptionsWithDue: number;
  exceptionBreaches: number;
  handOffs: number;
  handOffFailures: number;
  /** reason → [exceptions, runs with one]. */
  reasons: Map<string, [number, number]>;
  /** The values behind the percentiles: one array per bucket (the total: every bucket's). */
  cycle: Float64Array[];
  latency: Float64Array[];
}

/** Dirty hours in a window above which a read refreshes them first (below, it reads them raw). */
const REFRESH_ON_READ_ABOVE = 24;

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

const LITTLE_ENDIAN = new Uint8Array(new Float64Array([1]).buffer)[7] === 0x3f;

/** Packed big-endian float8 values (PostgreSQL float8send; base64 text on the wire, a third smaller than bytea's hex) as numbers. */
export function unpackFloat8(packed: string | null): Float64Array {
  if (!packed) return new Float64Array(0);
  const bytes = Buffer.from(packed, 'base64');
  const out = new Float64Array(bytes.length / 8);
  const raw = Buffer.from(out.buffer);
  bytes.copy(raw);
  if (LITTLE_ENDIAN) raw.swap64();
  return out;
}

/** Moves the k-th smallest value of a[lo..hi] (0-based index k) to index k, smaller before, larger after (Hoare quickselect). */
function selectInPlace(a: Float64Array, k: number, lo = 0, hi = a.length - 1): number {
  while (hi > lo) {
    const mid = (lo + hi) >>> 1;
    // Median of three as the pivot.
    const x = a[lo]!, y = a[mid]!, z = a[hi]!;
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break;
  }
  return a[k]!;
}

/**
 * PostgreSQL's percentile_cont(fraction) WITHIN GROUP (ORDER BY value), computed the same way
 * (float8 arithmetic, same interpolation), for ascending fractions: null when empty. Linear time
 * (selection, no sort); reorders `values`.
 */
function percentileContInPlace(values: Float64Array, fractions: number[]): Array<number | null> {
  const n = values.length;
  if (n === 0) return fractions.map(() => null);
  let from = 0;
  return fractions.map((fraction) => {
    // percentile_cont_final_common: first_row = floor(p × (n − 1)), second_row = ceil(…),
    // value = first + (second − first) × proportion (float8_lerp).
    const position = fraction * (n - 1);
    const first = Math.floor(position);
    const second = Math.ceil(position);
    // Fractions ascend: the next order statistic lies at or after the previous one.
    const firstValue = selectInPlace(values, first, Math.min(from, first));
    from = first;
    if (second === first) return firstValue;
    // Everything right of `first` is ≥ it now: the next order statistic is their minimum.
    let secondValue = Infinity;
    for (let i = first + 1; i < n; i++) if (values[i]! < secondValue) secondValue = values[i]!;
    return firstValue + (position - first) * (secondValue - firstValue);
  });
}

/** percentileContInPlace over the values of all the arrays together; the arrays are left untouched. */
export function percentileCont(parts: Float64Array[], fractions: number[]): Array<number | null> {
  const all = new Float64Array(parts.reduce((acc, p) => acc + p.length, 0));
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  return percentileContInPlace(all, fractions);
}

function emptySums(): Sums {
  return {
    started: 0, finished: 0, completed: 0, failed: 0, cancelled: 0, handedOff: 0, straightThrough: 0, runsWithException: 0, exceptionsOpened: 0,
    reopened: 0, everCompleted: 0, costUsd: 0, shadowN: 0, shadowAgreed: 0, approvalsRequested: 0, approvalsDecided: 0, approvalsReworked: 0,
    approvalsWithDue: 0, approvalBreaches: 0, exceptionsWithDue: 0, exceptionBreaches: 0, handOffs: 0, handOffFailures: 0,
    reasons: new Map(), cycle: [], latency: [],
  };
}

/**
 * The exact sum of PostgreSQL numerics printed as decimals ("12.345600", "-0.5"), as a number:
 * what `sum(numeric)::float8` gives (both round the exact decimal to the nearest float8 once).
 */
export function sumDecimals(values: Array<string | null>): number {
  const parsed = values.filter((v): v is string => v !== null).map((v) => {
    const m = /^(-?)(\d*)(?:\.(\d*))?$/.exec(v.trim());
    if (!m) throw new Error(`not a decimal: ${v}`);
    return { negative: m[1] === '-', digits: `${m[2] || '0'}${m[3] ?? ''}`, scale: (m[3] ?? '').length };
  });
  const scale = Math.max(0, ...parsed.map((p) => p.scale));
  let total = 0n;
  for (const p of parsed) {
    const units = BigInt(p.digits) * 10n ** BigInt(scale - p.scale);
    total += p.negative ? -units : units;
  }
  const negative = total < 0n;
  const digits = (negative ? -total : total).toString().padStart(scale + 1, '0');
  const text = scale === 0 ? digits : `${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}`;
  return Number.parseFloat(`${negative ? '-' : ''}${text}`);
}

/** How many of the packed due times (float8 µs since the epoch) lie before `nowMicros`. */
function countBefore(dueTimes: string | null, nowMicros: number): number {
  const due = unpackFloat8(dueTimes);
  let n = 0;
  for (let i = 0; i < due.length; i++) if (due[i]! < nowMicros) n++;
  return n;
}

/** A bucket's sums from its row (cost: the row's own numeric sum, converted once); open items past due at `now` count as breached. */
function sumsOf(r: BucketRow, now: Date): Sums {
  const nowMicros = now.getTime() * 1000;
  const reasons = new Map<string, [number, number]>();
  const hours = r.exceptions_by_reason ? (JSON.parse(r.exceptions_by_reason) as Array<Record<string, [number, number]>>) : [];
  for (const hour of hours) {
    for (const [reason, [count, runs]] of Object.entries(hour)) {
      const acc = reasons.get(reason) ?? [0, 0];
      reasons.set(reason, [acc[0] + count, acc[1] + runs]);
    }
  }
  return {
    started: r.runs_started,
    finished: r.runs_finished,
    completed: r.completed,
    failed: r.failed,
    cancelled: r.cancelled,
    handedOff: r.handed_off,
    straightThrough: r.straight_through,
    runsWithException: r.runs_with_exception,
    exceptionsOpened: r.exceptions_opened,
    reopened: r.runs_reopened,
    everCompleted: r.ever_completed,
    costUsd: r.total_cost_usd === null ? 0 : Number.parseFloat(r.total_cost_usd),
    shadowN: r.shadow_n,
    shadowAgreed: r.shadow_agreed,
    approvalsRequested: r.approvals_requested,
    approvalsDecided: r.approvals_decided,
    approvalsReworked: r.approvals_reworked,
    approvalsWithDue: r.approvals_with_due,
    approvalBreaches: r.approvals_late + countBefore(r.approvals_open_due, nowMicros),
    exceptionsWithDue: r.exceptions_with_due,
    exceptionBreaches: r.exceptions_late + countBefore(r.exceptions_open_due, nowMicros),
    handOffs: r.hand_offs,
    handOffFailures: r.hand_offs_failed + countBefore(r.hand_offs_open_due, nowMicros),
    reasons,
    cycle: [unpackFloat8(r.cycle_values)],
    latency: [unpackFloat8(r.latency_values)],
  };
}

/** The total over buckets: counts add up (each run is in one bucket); the cost is the period's exact sum. */
function addSums(total: Sums, s: Sums): void {
  for (const key of Object.keys(total) as Array<keyof Sums>) {
    const v = s[key];
    if (typeof v === 'number') (total[key] as number) += v;
  }
  for (const [reason, [count, runs]] of s.reasons) {
    const acc = total.reasons.get(reason) ?? [0, 0];
    total.reasons.set(reason, [acc[0] + count, acc[1] + runs]);
  }
  total.cycle.push(...s.cycle);
  total.latency.push(...s.latency);
}

/** The figures of one bucket (or the total); an empty one is zeros with sample size 0, never NaN. */
function toFigures(s: Sums): MetricsFiguresType {
  // A bucket's own array is reordered in place (same values); the total's are copied into one.
  const percentiles = (parts: Float64Array[]) => (parts.length === 1 ? percentileContInPlace(parts[0]!, [0.5, 0.9]) : percentileCont(parts, [0.5, 0.9]));
  const [cycleP50, cycleP90] = percentiles(s.cycle);
  const [latencyP50, latencyP90] = percentiles(s.latency);
  const cycleN = s.cycle.reduce((acc, p) => acc + p.length, 0);
  const byReason: ExceptionReasonFigureType[] = [...s.reasons]
    .map(([reason, [count, runs]]) => ({ reason, count, rate: rateFigure(runs, s.started) }))
    .sort((a, b) => b.count - a.count || (a.reason < b.reason ? -1 : a.reason > b.reason ? 1 : 0));
  return {
    runsStarted: s.started,
    runsFinished: s.finished,
    completed: s.completed,
    failed: s.failed,
    cancelled: s.cancelled,
    handedOff: s.handedOff,
    cycleTimeP50Seconds: valueFigure(cycleP50, cycleN),
    cycleTimeP90Seconds: valueFigure(cycleP90, cycleN),
    straightThroughRate: rateFigure(s.straightThrough, s.completed),
    exceptionRate: rateFigure(s.runsWithException, s.started),
    exceptionsOpened: s.exceptionsOpened,
    exceptionsByReason: byReason,
    handOffs: s.handOffs,
    handOffFailures: s.handOffFailures,
    handOffFailureRate: rateFigure(s.handOffFailures, s.handOffs),
    approvalsRequested: s.approvalsRequested,
    approvalsDecided: s.approvalsDecided,
    approvalsReworked: s.approvalsReworked,
    runsReopened: s.reopened,
    reworkRate: rateFigure(s.approvalsReworked + s.reopened, s.approvalsDecided + s.everCompleted),
    errorRate: rateFigure(s.failed, s.finished),
    approvalLatencyP50Seconds: valueFigure(latencyP50, s.approvalsDecided),
    approvalLatencyP90Seconds: valueFigure(latencyP90, s.approvalsDecided),
    approvalSlaBreaches: s.approvalBreaches,
    exceptionSlaBreaches: s.exceptionBreaches,
    slaBreachRate: rateFigure(s.approvalBreaches + s.exceptionBreaches, s.approvalsWithDue + s.exceptionsWithDue),
    totalCostUsd: s.costUsd,
    costPerRunUsd: rateFigure(s.costUsd, s.started),
    shadowAgreementRate: rateFigure(s.shadowAgreed, s.shadowN),
  };
}

const HOUR_MS = 3_600_000;
const floorHour = (d: Date) => new Date(Math.floor(d.getTime() / HOUR_MS) * HOUR_MS);

export class MetricsService {
  constructor(private readonly ds: DataSource) {}

  /** Recomputes dirty rollup hours (all, or a scope); see metrics.rollup.ts. */
  async refreshRollups(scope: Parameters<typeof refreshMetricsRollups>[1] = {}): Promise<{ hours: number; ran: boolean }> {
    const runner = this.ds.createQueryRunner();
    await runner.connect();
    try {
      return await refreshMetricsRollups(runner, scope);
    } finally {
      await runner.release();
    }
  }

  /** `now` decides what is past due (SLA breaches, timed-out hand-offs); tests pin it. */
  async compute(workflowKey: string | null, from: Date, to: Date, bucket: MetricBucket, now = new Date()): Promise<MetricsType> {
    planMetricsWindow(from, to, bucket);
    const workflow = workflowKey ? await loadWorkflow(this.ds.manager, workflowKey) : null;
    const workflowId = workflow?.id ?? null;
    const previousFrom = new Date(from.getTime() - (to.getTime() - from.getTime()));
    // Exact either way (dirty hours are read raw); when the background refresh is behind, catch up first.
    const scope = { workflowId, from: floorHour(previousFrom), to };
    if ((await countDirtyHours(this.ds, scope)) > REFRESH_ON_READ_ABOVE) await this.refreshRollups({ ...scope, skipIfBusy: true });

    const rows: BucketRow[] = await this.ds.query(METRICS_SQL, [from, to, bucket, workflowId, previousFrom]);
    const byStart = new Map<number, Sums>();
    const total = emptySums();
    let previousRuns = 0;
    for (const row of rows) {
      if (row.period === 0) {
        previousRuns += row.runs_started;
        continue;
      }
      const sums = sumsOf(row, now);
      byStart.set(new Date(row.bucket_start).getTime(), sums);
      addSums(total, sums);
    }
    // Period costs: the exact sum of the buckets' numeric sums, converted once (not a float sum).
    total.costUsd = sumDecimals(rows.filter((r) => r.period === 1).map((r) => r.total_cost_usd));
    const previousCostUsd = sumDecimals(rows.filter((r) => r.period === 0).map((r) => r.total_cost_usd));
    const totalFigures = toFigures(total);
    const costPerRun = totalFigures.costPerRunUsd;
    const previousCost = rateFigure(previousCostUsd, previousRuns);
    const baseline = workflow?.evaluation.costBaselinePerRunUsd ?? null;
    return {
      workflowKey,
      from,
      to,
      bucket,
      total: totalFigures,
      exceptionsByReason: totalFigures.exceptionsByReason,
      buckets: bucketStarts(from, to, bucket).map((start) => ({ start, figures: toFigures(byStart.get(start.getTime()) ?? emptySums()) })),
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
