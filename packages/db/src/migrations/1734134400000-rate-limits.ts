import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Shared rate-limit counters (API_RATE_LIMIT_STORE=postgres; docs/deployment.md): the per-key and
 * per-IP request limits and the sign-in lockout, counted once for all API replicas instead of once
 * per process. The columns are the ones rate-limiter-flexible's RateLimiterPostgres reads and
 * writes (`key` carries the limiter's prefix, `expire` is epoch milliseconds); the application role
 * may not create tables, so the table is made here rather than by the library at start.
 * Unlogged: counters of a few seconds' to minutes' life are not worth WAL and replication, and an
 * empty table after a crash only resets the windows.
 */
export class RateLimits1734134400000 implements MigrationInterface {
  name = 'RateLimits1734134400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE UNLOGGED TABLE rate_limit_counters (
        key    varchar(255) PRIMARY KEY,
        points integer NOT NULL DEFAULT 0,
        expire bigint
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE rate_limit_counters`);
  }
}
