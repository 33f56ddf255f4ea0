import { describe, expect, it } from 'vitest';
import { percentChange, rateFigure, valueFigure } from './metrics-figures.js';

describe('metric figures', () => {
  it('gives 0 with sample size 0 for an empty sample, never NaN', () => {
    expect(rateFigure(0, 0)).toEqual({ value: 0, sampleSize: 0 });
    expect(valueFigure(null, 0)).toEqual({ value: 0, sampleSize: 0 });
    expect(valueFigure(Number.NaN, 3)).toEqual({ value: 0, sampleSize: 3 });
    expect(rateFigure(1, 4)).toEqual({ value: 0.25, sampleSize: 4 });
  });

  it('has no percent change from nothing', () => {
    expect(percentChange(0.12, 0.1)).toBeCloseTo(20, 9);
    expect(percentChange(0.12, 0)).toBeNull();
    expect(percentChange(0.12, 0.1, 0)).toBeNull();
  });
});
