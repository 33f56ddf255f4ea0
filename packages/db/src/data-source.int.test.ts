import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDataSource } from './data-source.js';
import { createTestDatabase, type TestDatabase } from './testing/index.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase(inject('gatehousePostgres'));
});
afterAll(async () => {
  await db?.drop();
});

/** The backend pids that three concurrent statements ran on: three pool connections. */
async function threeBackends(ds: DataSource): Promise<Set<number>> {
  const rows = await Promise.all([0, 1, 2].map(() => ds.query(`SELECT pg_backend_pid() AS pid, pg_sleep(0.05)`) as Promise<Array<{ pid: number }>>));
  return new Set(rows.map(([row]) => row!.pid));
}

/**
 * node-postgres closes a connection idle for its idle timeout (10 s), timed from its release;
 * shortened here, before any release, so the test does not wait 10 s.
 */
function shortIdleTimeout(ds: DataSource): Pool {
  const pool = (ds.driver as unknown as { master: Pool & { options: { idleTimeoutMillis: number } } }).master;
  pool.options.idleTimeoutMillis = 50;
  return pool;
}

/**
 * An idle spell: until the pool has closed every connection, or twenty idle timeouts have passed
 * with connections still open (the pool keeps them; that can only be shown by waiting).
 */
async function idleSpell(pool: Pool): Promise<void> {
  const until = Date.now() + 1_000;
  while (pool.totalCount > 0 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 10));
}

/** The backends of a burst, and those of the next burst after an idle spell. */
async function burstsAroundIdleSpell(keepConnections: boolean): Promise<{ first: Set<number>; later: Set<number> }> {
  const ds = createDataSource({ url: db.url, poolSize: 3, keepConnections });
  await ds.initialize();
  const pool = shortIdleTimeout(ds);
  try {
    const first = await threeBackends(ds);
    await idleSpell(pool);
    return { first, later: await threeBackends(ds) };
  } finally {
    await ds.destroy();
  }
}

describe('createDataSource keepConnections', () => {
  it('keeps the connections a burst opened through an idle spell (the next burst meets warm backends)', async () => {
    const { first, later } = await burstsAroundIdleSpell(true);
    expect(first.size).toBe(3);
    expect(later).toEqual(first);
  });

  it('without it, node-postgres closes idle connections and the next burst opens new backends', async () => {
    const { first, later } = await burstsAroundIdleSpell(false);
    expect(first.size).toBe(3);
    expect([...later].some((pid) => first.has(pid))).toBe(false);
  });
});
