import { type ValueTransformer } from 'typeorm';

/**
 * `bigint` / `bigserial` columns arrive from node-postgres as strings (they may exceed 2^53).
 * Our sequences stay far below that, so they are mapped to numbers; a value that would lose
 * precision fails loudly instead of silently rounding.
 */
export const bigintToNumber: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | null): number | null => {
    if (value === null) return null;
    const n = typeof value === 'number' ? value : Number(value);
    if (!Number.isSafeInteger(n)) {
      throw new RangeError(`bigint value ${String(value)} does not fit in a JavaScript number`);
    }
    return n;
  },
};

/** `numeric` columns arrive as strings (arbitrary precision); money amounts here fit a double. */
export const numericToNumber: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | null): number | null =>
    value === null ? null : typeof value === 'number' ? value : Number(value),
};
