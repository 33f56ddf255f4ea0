import { createTestDatabase, type TestDatabase } from '../testing/index.js';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { createDataSource } from '../data-source.js';
import { inTransaction, isRetryableTransactionError } from './transaction.js';

let db: TestDatabase;
let ds: DataSource;

beforeAll(async () => {
  db = await createTestDatabase(inject('gatehousePostgres'));
  ds = createDataSource({ url: db.url, poolSize: 4 });
  await ds.initialize();
  await ds.query(`CREATE TABLE counters (id int PRIMARY KEY, n int NOT NULL)`);
  await ds.query(`INSERT INTO counters VALUES (1, 0), (2, 0)`);
});
afterAll(async () => {
  await ds.destroy();
  await db.drop();
});

describe('inTransaction', () => {
  it('runs a deadlocked transaction again, so both sides of a deadlock commit', async () => {
    let attempts = 0;
    let bothLockedFirstRow: () => void = () => undefined;
    const firstRowsLocked = new Promise<void>((resolve) => (bothLockedFirstRow = resolve));
    let locked = 0;
    const crosswise = (first: number, second: number) =>
      inTransaction(ds, async (tx) => {
        attempts += 1;
        await tx.query(`UPDATE counters SET n = n + 1 WHERE id = $1`, [first]);
        if (++locked === 2) bothLockedFirstRow();
        await firstRowsLocked; // both now hold one row and reach for the other: a deadlock
        await tx.query(`UPDATE counters SET n = n + 1 WHERE id = $1`, [second]);
      });
    await Promise.all([crosswise(1, 2), crosswise(2, 1)]);
    expect(attempts).toBe(3); // PostgreSQL aborted one of the two, which ran again
    const rows = await ds.query(`SELECT id, n FROM counters ORDER BY id`);
    expect(rows).toEqual([{ id: 1, n: 2 }, { id: 2, n: 2 }]);
  });

  it('does not retry other failures', async () => {
    let attempts = 0;
    await expect(
      inTransaction(ds, async (tx) => {
        attempts += 1;
        await tx.query(`INSERT INTO counters VALUES (1, 0)`);
      }),
    ).rejects.toThrow(/duplicate key/);
    expect(attempts).toBe(1);
    expect(isRetryableTransactionError({ driverError: { code: '40P01' } })).toBe(true);
    expect(isRetryableTransactionError({ driverError: { code: '23505' } })).toBe(false);
    expect(isRetryableTransactionError(null)).toBe(false);
  });
});
