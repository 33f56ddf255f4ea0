import { describe, expect, it } from 'vitest';
import { memoizeByObject } from './memo-by-object.js';

describe('memoizeByObject', () => {
  it('computes once per object, again for an equal but different object, and not at all for a throw it did not finish', () => {
    let calls = 0;
    const size = memoizeByObject((o: { items: number[] }) => {
      calls++;
      if (o.items.length === 0) throw new Error('empty');
      return o.items.length;
    });
    const a = { items: [1, 2] };
    expect([size(a), size(a)]).toEqual([2, 2]);
    expect(calls).toBe(1);
    expect(size({ items: [1, 2] })).toBe(2);
    expect(calls).toBe(2);
    const empty = { items: [] as number[] };
    expect(() => size(empty)).toThrow('empty');
    expect(() => size(empty)).toThrow('empty');
    expect(calls).toBe(4);
  });
});
