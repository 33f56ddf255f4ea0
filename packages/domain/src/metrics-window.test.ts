import { describe, expect, it } from 'vitest';
import { DomainError } from './errors.js';
import { MAX_METRIC_BUCKETS, planMetricsWindow, rate } from './metrics-window.js';

const at = (iso: string) => new Date(iso);

describe('planMetricsWindow', () => {
  it('counts buckets, partial ones included', () => {
    expect(planMetricsWindow(at('2026-01-01T00:00:00Z'), at('2026-01-02T00:00:00Z'), 'hour')).toBe(25);
    expect(planMetricsWindow(at('2026-01-01T00:00:00Z'), at('2026-01-31T00:00:00Z'), 'day')).toBe(31);
    expect(planMetricsWindow(at('2026-01-01T10:00:00Z'), at('2026-01-01T10:30:00Z'), 'week')).toBe(2);
  });

  it('refuses inverted, empty and invalid windows', () => {
    expect(() => planMetricsWindow(at('2026-02-01T00:00:00Z'), at('2026-01-01T00:00:00Z'), 'day')).toThrow(/must be before/);
    expect(() => planMetricsWindow(at('2026-02-01T00:00:00Z'), at('2026-02-01T00:00:00Z'), 'day')).toThrow(DomainError);
    expect(() => planMetricsWindow(new Date('nope'), at('2026-02-01T00:00:00Z'), 'day')).toThrow(/valid ISO-8601/);
  });

  it('refuses more buckets than a person can read', () => {
    const from = at('2020-01-01T00:00:00Z');
    const to = new Date(from.getTime() + MAX_METRIC_BUCKETS * 3_600_000);
    try {
      planMetricsWindow(from, to, 'hour');
      expect.unreachable();
    } catch (error) {
      expect((error as DomainError).code).toBe('invalid_input');
      expect((error as DomainError).message).toMatch(/at most 1000/);
    }
    expect(planMetricsWindow(from, to, 'day')).toBe(43);
  });
});

describe('rate', () => {
  it('is 0 for an empty sample and the plain ratio otherwise', () => {
    expect(rate(0, 0)).toBe(0);
    expect(rate(3, 4)).toBe(0.75);
  });
});
