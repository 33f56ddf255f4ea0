import { CostAlertEntity } from '../entities/index.js';
import type { CostAlert } from '@gatehouse/domain';

export function toCostAlert(e: CostAlertEntity): CostAlert {
  return {
    id: e.id,
    workflowId: e.workflowId,
    windowStart: e.windowStart,
    windowEnd: e.windowEnd,
    runs: e.runs,
    costPerRunUsd: e.costPerRunUsd,
    baselinePerRunUsd: e.baselinePerRunUsd,
    increasePercent: e.increasePercent,
    raisedAt: e.raisedAt,
    clearedAt: e.clearedAt,
  };
}

export function fromCostAlert(a: CostAlert): CostAlertEntity {
  return Object.assign(new CostAlertEntity(), { ...a });
}
