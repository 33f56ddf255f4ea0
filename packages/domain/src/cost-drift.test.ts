import { describe, expect, it } from 'vitest';
import { clearCostAlert, costIncreasePercent, decideCostDrift, MIN_RUNS_FOR_COST_ALERT, raiseCostAlert } from './cost-drift.js';

const base = { costPerRunUsd: 0.13, runs: 10, baselinePerRunUsd: 0.1, driftPercent: 25, alertOpen: false };

describe('decideCostDrift', () => {
  it('raises when cost per run is more than the percent above the baseline', () => {
    // (0.13 − 0.10) ÷ 0.10 = 30 % > 25 %
    const decision = decideCostDrift(base);
    expect(decision.type).toBe('raise');
    expect(decision.type === 'raise' && decision.increasePercent).toBeCloseTo(30, 9);
  });

  it('does not raise twice while an alert is open', () => {
    expect(decideCostDrift({ ...base, alertOpen: true })).toEqual({ type: 'stay' });
  });

  it('stays at exactly the threshold and clears an open alert there', () => {
    expect(decideCostDrift({ ...base, costPerRunUsd: 0.125 })).toEqual({ type: 'stay' });
    expect(decideCostDrift({ ...base, costPerRunUsd: 0.125, alertOpen: true }).type).toBe('clear');
  });

  it('neither raises nor clears below the minimum run count', () => {
    expect(MIN_RUNS_FOR_COST_ALERT).toBe(10);
    expect(decideCostDrift({ ...base, runs: 9 })).toEqual({ type: 'stay' });
    expect(decideCostDrift({ ...base, runs: 9, costPerRunUsd: 0.01, alertOpen: true })).toEqual({ type: 'stay' });
  });

  it('judges nothing without a positive baseline, and clears an alert whose baseline was removed', () => {
    expect(decideCostDrift({ ...base, baselinePerRunUsd: null })).toEqual({ type: 'stay' });
    expect(decideCostDrift({ ...base, baselinePerRunUsd: 0 })).toEqual({ type: 'stay' });
    expect(decideCostDrift({ ...base, baselinePerRunUsd: null, alertOpen: true })).toEqual({ type: 'clear', increasePercent: null });
  });

  it('computes the increase as a percent of the baseline', () => {
    expect(costIncreasePercent(0.05, 0.1)).toBeCloseTo(-50, 9);
  });
});

describe('raiseCostAlert / clearCostAlert', () => {
  const T0 = new Date('2026-05-01T12:00:00.000Z');
  const input = { id: 'ca-1', workflowId: 'wf-1', windowStart: new Date('2026-04-30T12:00:00.000Z'), windowEnd: T0, runs: 10, costPerRunUsd: 0.15, baselinePerRunUsd: 0.1, increasePercent: 50 };

  it('raises an open alert with a cost.drift_detected event', () => {
    const { state, events } = raiseCostAlert(input, T0);
    expect(state).toEqual({ ...input, raisedAt: T0, clearedAt: null });
    expect(events).toEqual([
      { type: 'cost.drift_detected', subjectType: 'cost_alert', subjectId: 'ca-1', data: { workflowId: 'wf-1', windowStart: '2026-04-30T12:00:00.000Z', windowEnd: '2026-05-01T12:00:00.000Z', runs: 10, costPerRunUsd: 0.15, baselinePerRunUsd: 0.1, increasePercent: 50 } },
    ]);
  });

  it('clears it once, with what the window measured', () => {
    const later = new Date(T0.getTime() + 60_000);
    const { state, events } = clearCostAlert(raiseCostAlert(input, T0).state, { runs: 20, costPerRunUsd: 0.1, increasePercent: 0 }, later);
    expect(state.clearedAt).toBe(later);
    expect(events).toEqual([{ type: 'cost.drift_cleared', subjectType: 'cost_alert', subjectId: 'ca-1', data: { workflowId: 'wf-1', runs: 20, costPerRunUsd: 0.1, increasePercent: 0 } }]);
    expect(() => clearCostAlert(state, { runs: 20, costPerRunUsd: 0.1, increasePercent: 0 }, later)).toThrow(/cleared/);
  });
});
