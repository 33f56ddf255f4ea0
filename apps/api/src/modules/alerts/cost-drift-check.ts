import { CostAlertEntity, fromCostAlert, inTransaction, recordEvents, toCostAlert, toWorkflow, WorkflowEntity } from '@gatehouse/db';
import { clearCostAlert, decideCostDrift, raiseCostAlert, rate, type CostAlert } from '@gatehouse/domain';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { IsNull } from 'typeorm';
import { PERIOD_COST_SQL } from '../metrics/metrics.sql.js';
import { startPeriodicJob, type PeriodicJob } from '../../jobs/periodic-job.js';

export interface CostDriftCheckResult {
  raised: CostAlert[];
  cleared: CostAlert[];
}

/**
 * Measures cost per run over each workflow's rolling window (runs created in the last
 * evaluation.costWindowHours, ending at `now`) and raises or clears its cost drift alert.
 * Raising relies on the one-open-alert-per-workflow index, so two API processes checking at
 * once raise one alert; the alert and its audit event commit together.
 */
export async function checkCostDrift(ds: DataSource, now: Date = new Date()): Promise<CostDriftCheckResult> {
  const result: CostDriftCheckResult = { raised: [], cleared: [] };
  const workflows = (await ds.getRepository(WorkflowEntity).find()).map(toWorkflow);
  const openAlerts = new Map((await ds.getRepository(CostAlertEntity).find({ where: { clearedAt: IsNull() } })).map((e) => [e.workflowId, toCostAlert(e)]));
  for (const workflow of workflows) {
    const policy = workflow.evaluation;
    const open = openAlerts.get(workflow.id) ?? null;
    if (policy.costBaselinePerRunUsd === null && !open) continue;
    const windowStart = new Date(now.getTime() - policy.costWindowHours * 3_600_000);
    const [window] = (await ds.query(PERIOD_COST_SQL, [windowStart, now, workflow.id])) as Array<{ runs: number; total_cost_usd: number }>;
    const runs = window?.runs ?? 0;
    const costPerRunUsd = rate(window?.total_cost_usd ?? 0, runs);
    const decision = decideCostDrift({ costPerRunUsd, runs, baselinePerRunUsd: policy.costBaselinePerRunUsd, driftPercent: policy.costDriftPercent, alertOpen: open !== null });
    if (decision.type === 'raise') {
      const raised = raiseCostAlert(
        { id: randomUUID(), workflowId: workflow.id, windowStart, windowEnd: now, runs, costPerRunUsd, baselinePerRunUsd: policy.costBaselinePerRunUsd!, increasePercent: decision.increasePercent },
        now,
      );
      const stored = await inTransaction(ds, async (tx) => {
        const e = fromCostAlert(raised.state);
        const inserted = (await tx.query(
          `INSERT INTO cost_alerts (id, workflow_id, window_start, window_end, runs, cost_per_run_usd, baseline_per_run_usd, increase_percent, raised_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
           ON CONFLICT (workflow_id) WHERE cleared_at IS NULL DO NOTHING RETURNING id`,
          [e.id, e.workflowId, e.windowStart, e.windowEnd, e.runs, e.costPerRunUsd, e.baselinePerRunUsd, e.increasePercent, e.raisedAt],
        )) as unknown[];
        if (inserted.length === 0) return false; // another process raised it meanwhile
        await recordEvents(tx, null, raised.events);
        return true;
      });
      if (stored) result.raised.push(raised.state);
    } else if (decision.type === 'clear' && open) {
      const cleared = clearCostAlert(open, { runs, costPerRunUsd, increasePercent: decision.increasePercent }, now);
      const stored = await inTransaction(ds, async (tx) => {
        const updated = (await tx.query(`UPDATE cost_alerts SET cleared_at = $2 WHERE id = $1 AND cleared_at IS NULL RETURNING id`, [open.id, now])) as [unknown[], number];
        if (updated[1] === 0) return false;
        await recordEvents(tx, null, cleared.events);
        return true;
      });
      if (stored) result.cleared.push(cleared.state);
    }
  }
  return result;
}

/** Runs checkCostDrift every `intervalMs` (0: never); a failed check is logged and tried again next time. */
export function startCostDriftChecks(ds: DataSource, intervalMs: number, logger: { warn(obj: object, msg: string): void }): PeriodicJob {
  return startPeriodicJob('cost drift check', intervalMs, () => checkCostDrift(ds), logger);
}
