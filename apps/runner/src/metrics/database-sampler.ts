import { EXCEPTION_REASONS, RUN_STATUSES, STEP_DISPATCH_TOPIC, TERMINAL_RUN_STATUSES } from '@gatehouse/domain';
import type pg from 'pg';
import { readBacklog } from '../outbox-backlog.js';
import type { RunnerMetrics } from './runner-metrics.js';

const ACTIVE_RUN_STATUSES = RUN_STATUSES.filter((s) => !(TERMINAL_RUN_STATUSES as readonly string[]).includes(s));

/*
 * Each count walks the (status, created_at, id) index of its table over the non-terminal
 * statuses only (an `IN` list, not `<> 'resolved'`, so the planner can use it): the cost grows
 * with what is open, not with history. On the one-million-run database: docs/observability.md.
 */
const QUEUE_DEPTHS_SQL = `
  SELECT
    (SELECT coalesce(jsonb_object_agg(reason, n), '{}'::jsonb) FROM (
       SELECT reason, count(*)::int AS n FROM exception_items WHERE status IN ('open', 'claimed') GROUP BY reason) e) AS exceptions,
    (SELECT count(*)::int FROM approvals WHERE status = 'pending') AS approvals,
    (SELECT coalesce(jsonb_object_agg(status, n), '{}'::jsonb) FROM (
       SELECT status, count(*)::int AS n FROM runs WHERE status = ANY($1::text[]) GROUP BY status) r) AS runs`;

/** Due and not claimed: a claim moves available_at past its lease, a failed delivery past its backoff. */
const DUE_SQL = `
  SELECT count(*)::int AS due, coalesce(EXTRACT(EPOCH FROM now() - min(available_at)), 0)::float8 AS oldest
    FROM outbox WHERE topic = $1 AND published_at IS NULL AND available_at <= now()`;

/** Queue depths and the outbox, read from the database into the gauges; a few indexed counts. */
export async function sampleDatabase(pool: pg.Pool, metrics: RunnerMetrics, transport: 'kafka' | 'postgres'): Promise<void> {
  const [backlog, depths, due] = await Promise.all([
    readBacklog(pool),
    pool.query<{ exceptions: Record<string, number>; approvals: number; runs: Record<string, number> }>(QUEUE_DEPTHS_SQL, [ACTIVE_RUN_STATUSES]),
    transport === 'postgres' ? pool.query<{ due: number; oldest: number }>(DUE_SQL, [STEP_DISPATCH_TOPIC]) : null,
  ]);
  metrics.outboxBacklog.set(backlog.pending);
  metrics.outboxOldestAge.set(backlog.oldestAgeSeconds ?? 0);
  const { exceptions, approvals, runs } = depths.rows[0]!;
  // Every known label value is set, so a reason or status that emptied reads 0 rather than its last count.
  for (const reason of new Set([...EXCEPTION_REASONS, ...Object.keys(exceptions)])) metrics.exceptionsOpen.set({ reason }, exceptions[reason] ?? 0);
  metrics.approvalsPending.set(approvals);
  for (const status of ACTIVE_RUN_STATUSES) metrics.runsActive.set({ status }, runs[status] ?? 0);
  if (due) {
    metrics.dispatchesDue.set(due.rows[0]!.due);
    metrics.oldestDueAge.set(due.rows[0]!.oldest);
  }
}
