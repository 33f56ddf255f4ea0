import type { ExceptionItem } from './exception-item.js';

/**
 * Where an unresolved exception stands against its SLA (the due time set when it opened):
 * - `overdue`: the due time has passed;
 * - `due_soon`: it falls due within EXCEPTION_DUE_SOON_MINUTES from now;
 * - `on_track`: more time than that is left;
 * - `no_sla`: the workflow sets no exception SLA, so the item has no due time.
 */
export const EXCEPTION_SLA_STATES = ['overdue', 'due_soon', 'on_track', 'no_sla'] as const;
export type ExceptionSlaState = (typeof EXCEPTION_SLA_STATES)[number];

/**
 * "Due soon" means due within the next hour: long enough for a reviewer to pick the item up
 * and work it before it breaches, short enough that the bucket stays small in a busy queue.
 */
export const EXCEPTION_DUE_SOON_MINUTES = 60;

/** How the queue is ordered. Oldest first is the default: the oldest item has waited longest. */
export const EXCEPTION_QUEUE_ORDERS = ['oldest', 'newest', 'due_soonest'] as const;
export type ExceptionQueueOrder = (typeof EXCEPTION_QUEUE_ORDERS)[number];

/**
 * The SLA state of an item at `now`, or null once it is resolved (its clock stopped; whether
 * it was resolved late is a metric, not a queue state).
 */
export function exceptionSlaState(item: Pick<ExceptionItem, 'status' | 'dueAt'>, now: Date): ExceptionSlaState | null {
  if (item.status === 'resolved') return null;
  if (item.dueAt === null) return 'no_sla';
  const left = item.dueAt.getTime() - now.getTime();
  if (left < 0) return 'overdue';
  return left < EXCEPTION_DUE_SOON_MINUTES * 60_000 ? 'due_soon' : 'on_track';
}
