import { IllegalTransitionError } from './errors.js';
import type { Transition } from './workflow.js';

/**
 * Cost drift alerts: cost per run over a rolling window against the workflow's baseline.
 * A handful of runs is noise (one long conversation doubles the average), so nothing is
 * raised or cleared below a minimum number of runs in the window.
 */
export const MIN_RUNS_FOR_COST_ALERT = 10;

export interface CostDriftInput {
  /** Cost per run over the window, USD. */
  costPerRunUsd: number;
  /** Runs the window's cost per run is over. */
  runs: number;
  /** The workflow's expected cost per run; null = none set. */
  baselinePerRunUsd: number | null;
  /** Alert when cost per run exceeds the baseline by more than this many percent. */
  driftPercent: number;
  /** Whether the workflow has an open (uncleared) alert now. */
  alertOpen: boolean;
  minRuns?: number;
}

export type CostDriftDecision =
  | { type: 'raise'; increasePercent: number }
  | { type: 'clear'; increasePercent: number | null }
  | { type: 'stay' };

/** Percent by which cost per run exceeds the baseline (negative when below). */
export function costIncreasePercent(costPerRunUsd: number, baselinePerRunUsd: number): number {
  return ((costPerRunUsd - baselinePerRunUsd) / baselinePerRunUsd) * 100;
}

/**
 * raise: above baseline × (1 + percent) with enough runs and no alert open;
 * clear: an open alert whose window is back at or under that line (or whose baseline was removed);
 * stay: anything else, including too few runs to tell.
 */
export function decideCostDrift(input: CostDriftInput): CostDriftDecision {
  const minRuns = input.minRuns ?? MIN_RUNS_FOR_COST_ALERT;
  // A zero baseline has no percentage to exceed; like no baseline, drift is not judged.
  if (input.baselinePerRunUsd === null || input.baselinePerRunUsd <= 0) {
    return input.alertOpen ? { type: 'clear', increasePercent: null } : { type: 'stay' };
  }
  if (input.runs < minRuns) return { type: 'stay' };
  const increasePercent = costIncreasePercent(input.costPerRunUsd, input.baselinePerRunUsd);
  const above = increasePercent > input.driftPercent;
  if (above && !input.alertOpen) return { type: 'raise', increasePercent };
  if (!above && input.alertOpen) return { type: 'clear', increasePercent };
  return { type: 'stay' };
}

export interface CostAlert {
  id: string;
  workflowId: string;
  windowStart: Date;
  windowEnd: Date;
  runs: number;
  costPerRunUsd: number;
  baselinePerRunUsd: number;
  increasePercent: number;
  raisedAt: Date;
  clearedAt: Date | null;
}

/** The alert a `raise` decision stores, with its audit event. */
export function raiseCostAlert(input: Omit<CostAlert, 'raisedAt' | 'clearedAt'>, now: Date): Transition<CostAlert> {
  const alert: CostAlert = { ...input, raisedAt: now, clearedAt: null };
  return {
    state: alert,
    events: [
      {
        type: 'cost.drift_detected',
        subjectType: 'cost_alert',
        subjectId: alert.id,
        data: {
          workflowId: alert.workflowId,
          windowStart: alert.windowStart.toISOString(),
          windowEnd: alert.windowEnd.toISOString(),
          runs: alert.runs,
          costPerRunUsd: alert.costPerRunUsd,
          baselinePerRunUsd: alert.baselinePerRunUsd,
          increasePercent: alert.increasePercent,
        },
      },
    ],
  };
}

/** A `clear` decision closes the open alert; the event says what the window measured then. */
export function clearCostAlert(alert: CostAlert, measured: { runs: number; costPerRunUsd: number; increasePercent: number | null }, now: Date): Transition<CostAlert> {
  if (alert.clearedAt) throw new IllegalTransitionError('cost alert', 'cleared', 'clear');
  return {
    state: { ...alert, clearedAt: now },
    events: [{ type: 'cost.drift_cleared', subjectType: 'cost_alert', subjectId: alert.id, data: { workflowId: alert.workflowId, ...measured } }],
  };
}
