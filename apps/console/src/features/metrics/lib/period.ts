export const PERIODS = ['24h', '7d', '30d', '90d', 'custom'] as const;
export type Period = (typeof PERIODS)[number];
export const BUCKETS = ['hour', 'day', 'week'] as const;
export type Bucket = (typeof BUCKETS)[number];

export const PERIOD_LABELS: Record<Period, string> = {
  '24h': 'Last 24 hours',
  '7d': 'Last 7 days',
  '30d': 'Last 30 days',
  '90d': 'Last 90 days',
  custom: 'Custom',
};

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const PERIOD_MS: Record<Exclude<Period, 'custom'>, number> = { '24h': DAY, '7d': 7 * DAY, '30d': 30 * DAY, '90d': 90 * DAY };

export function isPeriod(value: string | null): value is Period {
  return (PERIODS as readonly string[]).includes(value ?? '');
}
export function isBucket(value: string | null): value is Bucket {
  return (BUCKETS as readonly string[]).includes(value ?? '');
}

/** A bucket that gives a readable number of points: hours for a day, days up to two months, else weeks. */
export function defaultBucket(spanMs: number): Bucket {
  if (spanMs <= 2 * DAY) return 'hour';
  if (spanMs <= 62 * DAY) return 'day';
  return 'week';
}

/** The state the URL holds (?period=&from=&to=&bucket=&workflow=). */
export interface MetricsParams {
  readonly period: Period;
  /** Custom period only: datetime-local values (UTC, yyyy-MM-ddTHH:mm). */
  readonly from: string | null;
  readonly to: string | null;
  readonly bucket: Bucket | null;
  readonly workflow: string | null;
}

export function readParams(search: URLSearchParams): MetricsParams {
  const period = search.get('period');
  const bucket = search.get('bucket');
  return {
    period: isPeriod(period) ? period : '7d',
    from: search.get('from'),
    to: search.get('to'),
    bucket: isBucket(bucket) ? bucket : null,
    workflow: search.get('workflow') || null,
  };
}

export interface MetricsVariables {
  readonly workflowKey: string | null;
  readonly from: string;
  readonly to: string;
  readonly bucket: Bucket;
}

/** A datetime-local value read as UTC (metric buckets are UTC), or null when unreadable. */
function parseUtc(local: string | null): Date | null {
  if (!local) return null;
  const date = new Date(/[zZ]|[+-]\d\d:\d\d$/.test(local) ? local : `${local}Z`);
  return Number.isNaN(date.getTime()) ? null : date;
}

/**
 * The metrics query's variables for these params at `now` (rounded up to the minute so the
 * window, and so the cache key, stays put between renders). A custom period without both
 * ends is an error the picker shows.
 */
export function toVariables(params: MetricsParams, now: Date): MetricsVariables | { error: string } {
  let from: Date;
  let to: Date;
  if (params.period === 'custom') {
    const f = parseUtc(params.from);
    const t = parseUtc(params.to);
    if (!f || !t) return { error: 'Choose both a start and an end for the custom period.' };
    from = f;
    to = t;
  } else {
    to = new Date(Math.ceil(now.getTime() / 60_000) * 60_000);
    from = new Date(to.getTime() - PERIOD_MS[params.period]);
  }
  return {
    workflowKey: params.workflow,
    from: from.toISOString(),
    to: to.toISOString(),
    bucket: params.bucket ?? defaultBucket(to.getTime() - from.getTime()),
  };
}
