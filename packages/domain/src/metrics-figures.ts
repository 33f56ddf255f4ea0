/** A figure and the number of observations it is computed over, so trends can be told from noise. */
export interface Figure {
  value: number;
  sampleSize: number;
}

/** A rate figure: numerator ÷ sample size, 0 (never NaN) for an empty sample. */
export function rateFigure(numerator: number, sampleSize: number): Figure {
  return { value: sampleSize === 0 ? 0 : numerator / sampleSize, sampleSize };
}

/** A percentile or average from SQL (null for an empty sample) with its sample size; empty is 0. */
export function valueFigure(value: number | null | undefined, sampleSize: number): Figure {
  return { value: sampleSize === 0 || value === null || value === undefined || Number.isNaN(value) ? 0 : value, sampleSize };
}

/**
 * Percent change from `previous` to `current`; null when there is nothing to compare against
 * (previous is 0 or its sample is empty) — a percentage of zero is not a number.
 */
export function percentChange(current: number, previous: number, previousSampleSize = 1): number | null {
  if (previousSampleSize === 0 || previous === 0) return null;
  return ((current - previous) / previous) * 100;
}
