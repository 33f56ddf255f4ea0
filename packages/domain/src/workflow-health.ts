/**
 * A workflow's health: one word an owner or leader can scan in the workflow list, with the
 * signals that explain it. Judged from the queues as they stand now and the runs started in the
 * last HEALTH_WINDOW_HOURS hours that have finished (a cohort, as the metrics count runs).
 * The caller counts (SQL); the rule lives here.
 *
 * - paused: the kill switch is on (nothing else matters until it is resumed).
 * - critical: an SLA is breached right now (an open exception or a pending approval past its
 *   due time), or at least HEALTH_MIN_FINISHED runs started in the window finished and
 *   HEALTH_CRITICAL_ERROR_RATE or more of them failed.
 * - attention: open exceptions wait in the queue, a cost-drift alert is open, or any run failed
 *   in the window.
 * - healthy: none of the above.
 */
export const WORKFLOW_HEALTH_STATUSES = ['healthy', 'attention', 'critical', 'paused'] as const;
export type WorkflowHealthStatus = (typeof WORKFLOW_HEALTH_STATUSES)[number];

export const HEALTH_SIGNAL_KINDS = ['paused', 'sla_breached', 'error_rate', 'failed_runs', 'open_exceptions', 'cost_drift'] as const;
export type HealthSignalKind = (typeof HEALTH_SIGNAL_KINDS)[number];

export const HEALTH_WINDOW_HOURS = 24;
export const HEALTH_MIN_FINISHED = 5;
export const HEALTH_CRITICAL_ERROR_RATE = 0.2;

/** What health is judged on, counted by the caller. */
export interface WorkflowHealthInput {
  paused: boolean;
  /** Exceptions open or claimed now. */
  openExceptions: number;
  /** Of those, past their due time. */
  overdueExceptions: number;
  /** Pending approvals past their due time. */
  overdueApprovals: number;
  /** Cost-drift alerts not cleared. */
  openCostAlerts: number;
  /** Runs started in the window that are now in a terminal state. */
  finishedRuns: number;
  /** Of those, failed. */
  failedRuns: number;
}

export interface HealthSignal {
  kind: HealthSignalKind;
  /** The status this signal alone would give. */
  severity: Exclude<WorkflowHealthStatus, 'healthy'>;
  count: number;
  message: string;
}

export interface WorkflowHealth {
  status: WorkflowHealthStatus;
  /** Why, worst first; empty when healthy. */
  signals: HealthSignal[];
  windowHours: number;
  finishedRuns: number;
  failedRuns: number;
}

const RANK: Record<WorkflowHealthStatus, number> = { healthy: 0, attention: 1, critical: 2, paused: 3 };

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

export function assessWorkflowHealth(input: WorkflowHealthInput): WorkflowHealth {
  const signals: HealthSignal[] = [];
  if (input.paused) signals.push({ kind: 'paused', severity: 'paused', count: 1, message: 'The kill switch is on: no new step starts.' });

  const overdue = input.overdueExceptions + input.overdueApprovals;
  if (overdue > 0) {
    signals.push({
      kind: 'sla_breached',
      severity: 'critical',
      count: overdue,
      message: `${plural(overdue, 'item', 'items')} past SLA now (${input.overdueExceptions} exceptions, ${input.overdueApprovals} approvals).`,
    });
  }

  const errorRate = input.finishedRuns === 0 ? 0 : input.failedRuns / input.finishedRuns;
  if (input.finishedRuns >= HEALTH_MIN_FINISHED && errorRate >= HEALTH_CRITICAL_ERROR_RATE) {
    signals.push({
      kind: 'error_rate',
      severity: 'critical',
      count: input.failedRuns,
      message: `${input.failedRuns} of ${input.finishedRuns} finished runs started in the last ${HEALTH_WINDOW_HOURS} h failed (${Math.round(errorRate * 100)}% ≥ ${HEALTH_CRITICAL_ERROR_RATE * 100}%).`,
    });
  } else if (input.failedRuns > 0) {
    signals.push({
      kind: 'failed_runs',
      severity: 'attention',
      count: input.failedRuns,
      message: `${plural(input.failedRuns, 'run', 'runs')} of ${input.finishedRuns} finished runs started in the last ${HEALTH_WINDOW_HOURS} h failed.`,
    });
  }

  const waiting = input.openExceptions - input.overdueExceptions;
  if (waiting > 0) {
    signals.push({ kind: 'open_exceptions', severity: 'attention', count: waiting, message: `${plural(waiting, 'exception waits', 'exceptions wait')} in the queue within SLA.` });
  }
  if (input.openCostAlerts > 0) {
    signals.push({ kind: 'cost_drift', severity: 'attention', count: input.openCostAlerts, message: `${plural(input.openCostAlerts, 'cost-drift alert is', 'cost-drift alerts are')} open.` });
  }

  signals.sort((a, b) => RANK[b.severity] - RANK[a.severity]);
  const status = signals[0]?.severity ?? 'healthy';
  return { status, signals, windowHours: HEALTH_WINDOW_HOURS, finishedRuns: input.finishedRuns, failedRuns: input.failedRuns };
}
