import { RateLimiterMemory, RateLimiterPostgres, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { DataSource } from 'typeorm';

/**
 * Where rate-limit counters live (API_RATE_LIMIT_STORE):
 * - memory: in this process. One API process is exact; N replicas allow N × the limit.
 * - postgres: in `rate_limit_counters` (migration 1734134400000), shared by every replica, through
 *   the API's own pool. Costs one upsert per limiter per request.
 */
export type RateLimitStore = { kind: 'memory' } | { kind: 'postgres'; dataSource: DataSource };

export const RATE_LIMIT_STORES = ['memory', 'postgres'] as const;
export type RateLimitStoreKind = (typeof RATE_LIMIT_STORES)[number];

const TABLE = 'rate_limit_counters';

export interface LimiterOptions {
  /** Distinguishes the limiters that share one store (`ip`, `key`, `sign-in`). */
  keyPrefix: string;
  points: number;
  durationSeconds: number;
}

/** A fixed-window limiter on `store`. */
export function createLimiter(store: RateLimitStore, options: LimiterOptions): RateLimiterAbstract {
  const base = { keyPrefix: options.keyPrefix, points: options.points, duration: options.durationSeconds };
  if (store.kind === 'memory') return new RateLimiterMemory(base);
  return new RateLimiterPostgres({
    ...base,
    storeClient: store.dataSource,
    // The library takes the pg pool of a TypeORM DataSource (driver.master): no second pool.
    storeType: 'typeorm',
    tableName: TABLE,
    // Made by the migration; the application role may not create tables.
    tableCreated: true,
    // Once a key is over its limit, this process refuses it from memory until the window ends:
    // a flood from one key or address costs a map lookup, not a database round trip per request.
    inMemoryBlockOnConsumed: options.points + 1,
    // When the database does not answer, count in this process rather than fail the request
    // (the limit is then per replica until it answers again).
    insuranceLimiter: new RateLimiterMemory(base),
  });
}
