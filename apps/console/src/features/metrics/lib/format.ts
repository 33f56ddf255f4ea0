/** Figures as leadership reads them: durations in s/min/h, rates in %, money in USD. */
export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3600) return `${(seconds / 60).toFixed(1)} min`;
  if (seconds < 172_800) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86_400).toFixed(1)} d`;
}

export function formatRate(rate: number): string {
  return `${(rate * 100).toFixed(1)}%`;
}

export function formatUsd(usd: number): string {
  return usd >= 1 ? `$${usd.toFixed(2)}` : `$${usd.toFixed(4)}`;
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

export function formatPercentChange(percent: number | null): string {
  if (percent === null) return 'n/a';
  return `${percent > 0 ? '+' : ''}${percent.toFixed(1)}%`;
}

const BUCKET_FORMAT: Record<string, Intl.DateTimeFormatOptions> = {
  hour: { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: 'UTC' },
  day: { month: 'short', day: 'numeric', timeZone: 'UTC' },
  week: { month: 'short', day: 'numeric', timeZone: 'UTC' },
};

/** A bucket's start as an axis label (UTC, as the API buckets). */
export function bucketLabel(startIso: string, bucket: string): string {
  const label = new Intl.DateTimeFormat('en-GB', BUCKET_FORMAT[bucket] ?? BUCKET_FORMAT.day).format(new Date(startIso));
  return bucket === 'week' ? `wk ${label}` : label;
}
