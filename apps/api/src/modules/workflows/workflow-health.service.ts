import { assessWorkflowHealth, HEALTH_WINDOW_HOURS, type Workflow, type WorkflowHealth } from '@gatehouse/domain';
import type { DataSource } from 'typeorm';

interface HealthCounts {
  open_exceptions: number;
  overdue_exceptions: number;
  overdue_approvals: number;
  open_cost_alerts: number;
  finished_runs: number;
  failed_runs: number;
}

/**
 * Counts what a workflow's health is judged on in one read and lets the domain decide the
 * status. Runs are the cohort created in the window (as the metrics count them), so the read
 * uses runs (workflow_id, created_at) and stays cheap at a million runs. Read-only.
 */
export class WorkflowHealthService {
  constructor(private readonly ds: DataSource) {}

  async health(workflow: Workflow, now: Date = new Date()): Promise<WorkflowHealth> {
    const since = new Date(now.getTime() - HEALTH_WINDOW_HOURS * 3_600_000);
    const [row] = (await this.ds.query(
      `SELECT
         (SELECT count(*)::int FROM exception_items WHERE workflow_id = $1 AND status IN ('open', 'claimed')) AS open_exceptions,
         (SELECT count(*)::int FROM exception_items WHERE workflow_id = $1 AND status IN ('open', 'claimed') AND due_at < $2) AS overdue_exceptions,
         (SELECT count(*)::int FROM approvals WHERE workflow_id = $1 AND status = 'pending' AND due_at < $2) AS overdue_approvals,
         (SELECT count(*)::int FROM cost_alerts WHERE workflow_id = $1 AND cleared_at IS NULL) AS open_cost_alerts,
         (SELECT count(*)::int FROM runs WHERE workflow_id = $1 AND created_at >= $3 AND created_at < $2 AND finished_at IS NOT NULL AND champion_run_id IS NULL) AS finished_runs,
         (SELECT count(*)::int FROM runs WHERE workflow_id = $1 AND created_at >= $3 AND created_at < $2 AND status = 'failed' AND champion_run_id IS NULL) AS failed_runs`,
      [workflow.id, now, since],
    )) as HealthCounts[];
    const counts = row!;
    return assessWorkflowHealth({
      paused: workflow.paused,
      openExceptions: counts.open_exceptions,
      overdueExceptions: counts.overdue_exceptions,
      overdueApprovals: counts.overdue_approvals,
      openCostAlerts: counts.open_cost_alerts,
      finishedRuns: counts.finished_runs,
      failedRuns: counts.failed_runs,
    });
  }
}
