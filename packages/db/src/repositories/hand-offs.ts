import { HandOffEntity } from '../entities/index.js';
import type { HandOffRecord, HandOffStatus } from '@gatehouse/domain';

export function toHandOff(e: HandOffEntity): HandOffRecord {
  return {
    id: e.id,
    runId: e.runId,
    workflowId: e.workflowId,
    exceptionId: e.exceptionId,
    target: e.target,
    status: e.status as HandOffStatus,
    dueAt: e.dueAt,
    note: e.note,
    createdAt: e.createdAt,
    closedAt: e.closedAt,
  };
}

export function fromHandOff(h: HandOffRecord): HandOffEntity {
  return Object.assign(new HandOffEntity(), { ...h });
}
