/*
 * Keeps metrics_hourly current: consumes the change log (metrics_changes, appended by the
 * triggers of migration 1733097600000) and recomputes the hours it names. Freshness never
 * depends on it — the read path computes dirty hours from the raw tables — it keeps reads fast
 * and the log short. Used by the API (a background loop, and before a read that finds many
 * dirty hours), by `pnpm seed:large` after writing its history, and by the bench.
 *
 * Only `pg`-style `query(text, params)` is needed, so the seed can call it with a plain client.
 */
import { DIRTY_COUNT_SQL, REFRESH_LOCK_KEY, REFRESH_SQL } from './metrics.sql.js';
import { startPeriodicJob, type PeriodicJob } from '../../jobs/periodic-job.js';

export interface Queryable {
  query(text: string, params?: unknown[]): Promise<unknown>;
}

export interface RefreshScope {
  /** Only this workflow's hours (default: every workflow). */
  workflowId?: string | null;
  /** Only hours in [from, to) (default: all). */
  from?: Date | null;
  to?: Date | null;
  /** Dirty (workflow, hour) pairs per transaction. */
  batchHours?: number;
  /** Stop after this many batches (default: until nothing is left). */
  maxBatches?: number;
  /** Give up at once when another refresh holds the lock (read path) instead of waiting. */
  skipIfBusy?: boolean;
}

export interface RefreshResult {
  /** (workflow, hour) pairs recomputed. */
  hours: number;
  /** False when skipIfBusy and another refresh was running. */
  ran: boolean;
}

/** Rows of a `query` result, whether the client returns an array (TypeORM) or { rows } (pg). */
function rowsOf<T>(result: unknown): T[] {
  return Array.isArray(result) ? (result as T[]) : ((result as { rows: T[] }).rows ?? []);
}

/**
 * Refreshes dirty hours in transactions of `batchHours` pairs on one connection (`session`
 * must be a single connection: a TypeORM QueryRunner or a pg Client, not a pool).
 */
export async function refreshMetricsRollups(session: Queryable, scope: RefreshScope = {}): Promise<RefreshResult> {
  const batch = scope.batchHours ?? 2_000;
  let hours = 0;
  for (let i = 0; scope.maxBatches === undefined || i < scope.maxBatches; i++) {
    await session.query('BEGIN');
    try {
      // Held before the refresh statement starts, so its snapshot includes every earlier refresh.
      if (scope.skipIfBusy) {
        const [lock] = rowsOf<{ ok: boolean }>(await session.query(`SELECT pg_try_advisory_xact_lock($1) AS ok`, [REFRESH_LOCK_KEY]));
        if (!lock?.ok) {
          await session.query('ROLLBACK');
          return { hours, ran: false };
        }
      } else {
        await session.query(`SELECT pg_advisory_xact_lock($1)`, [REFRESH_LOCK_KEY]);
      }
      // Sorting packed values and hashing per-run children of a few thousand hours needs room.
      await session.query(`SET LOCAL work_mem = '64MB'`);
      const [done] = rowsOf<{ hours: number }>(await session.query(REFRESH_SQL, [scope.workflowId ?? null, scope.from ?? null, scope.to ?? null, batch]));
      await session.query('COMMIT');
      hours += done?.hours ?? 0;
      if ((done?.hours ?? 0) < batch) break;
    } catch (err) {
      await session.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
  }
  return { hours, ran: true };
}

/** Dirty (workflow, hour) pairs waiting for a refresh (optionally of one workflow, in [from, to)). */
export async function countDirtyHours(db: Queryable, scope: Pick<RefreshScope, 'workflowId' | 'from' | 'to'> = {}): Promise<number> {
  const [row] = rowsOf<{ hours: number }>(await db.query(DIRTY_COUNT_SQL, [scope.workflowId ?? null, scope.from ?? null, scope.to ?? null]));
  return row?.hours ?? 0;
}

/**
 * Refreshes every dirty hour that has ended every `intervalMs` (0: never), on one connection
 * taken for each round; a failed round is logged and tried again next time. The hour still
 * filling is left dirty until it ends: recomputing it every tick cost O(runs in that hour) every
 * few seconds, competing with the very inserts that fill it (docs/benchmarks.md, fifth round),
 * and reads take it from the raw tables anyway (a window ending now has it as its partial edge).
 */
export function startMetricsRollupRefresh(
  ds: { createQueryRunner(): Queryable & { connect(): Promise<unknown>; release(): Promise<void> } },
  intervalMs: number,
  logger: { warn(obj: object, msg: string): void },
): PeriodicJob {
  const round = async () => {
    const runner = ds.createQueryRunner();
    await runner.connect();
    try {
      await refreshMetricsRollups(runner, { to: startOfHour(new Date()) });
    } finally {
      await runner.release();
    }
  };
  return startPeriodicJob('metrics rollup refresh', intervalMs, round, logger);
}

/** The start of the UTC hour `at` falls in. */
function startOfHour(at: Date): Date {
  return new Date(Math.floor(at.getTime() / 3_600_000) * 3_600_000);
}
