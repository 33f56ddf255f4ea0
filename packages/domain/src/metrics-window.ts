import { DomainError } from './errors.js';

export const METRIC_BUCKETS = ['hour', 'day', 'week'] as const;
export type MetricBucket = (typeof METRIC_BUCKETS)[number];

/** More buckets than a chart can show is a mistake in the request, not a query to run. */
export const MAX_METRIC_BUCKETS = 1000;

const BUCKET_MS: Record<MetricBucket, number> = { hour: 3_600_000, day: 86_400_000, week: 604_800_000 };

/**
 * Validates a metrics window: `from` before `to`, and a bucket count a person can read.
 * Returns the number of buckets (partial buckets at either end count as one).
 */
export function planMetricsWindow(from: Date, to: Date, bucket: MetricBucket): number {
  if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime())) {
    throw new DomainError('invalid_input', 'from and to must be valid ISO-8601 date-times.');
  }
  if (from.getTime() >= to.getTime()) {
    throw new DomainError('invalid_input', `from (${from.toISOString()}) must be before to (${to.toISOString()}).`, { field: 'from' });
  }
  const buckets = Math.ceil((to.getTime() - from.getTime()) / BUCKET_MS[bucket]) + 1;
  if (buckets > MAX_METRIC_BUCKETS) {
    throw new DomainError('invalid_input', `That window has about ${buckets} ${bucket} buckets; at most ${MAX_METRIC_BUCKETS} are allowed. Use a larger bucket or a shorter window.`, { field: 'bucket', buckets });
  }
  return buckets;
}

/** A rate with its denominator: an empty sample is 0, never NaN. */
export function rate(numerator: number, sampleSize: number): number {
  return sampleSize === 0 ? 0 : numerator / sampleSize;
}
