import { createPrincipal, type DomainError } from '@gatehouse/domain';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { createDataSource } from '../data-source.js';
import { createTestDatabase, type TestDatabase } from '../testing/index.js';
import { insertPrincipal, lockAdminRoster } from './principals.js';
import { inTransaction } from './transaction.js';

let db: TestDatabase;
let ds: DataSource;

beforeAll(async () => {
  db = await createTestDatabase(inject('gatehousePostgres'));
  ds = createDataSource({ url: db.url, poolSize: 4 });
  await ds.initialize();
});
afterAll(async () => {
  await ds.destroy();
  await db.drop();
});

const principal = (id: string, email: string, role = 'admin') => createPrincipal({ id, name: 'P', email, role }, null, new Date()).state;

describe('principals', () => {
  it('one principal per email whatever its letter case: the index refuses what slips past the check', async () => {
    await expect(ds.query(`INSERT INTO principals (name, email, role) VALUES ('A', 'Case@Example.com', 'viewer'), ('B', 'case@example.com', 'viewer')`)).rejects.toMatchObject({ driverError: { code: '23505' } });
    await inTransaction(ds, (tx) => insertPrincipal(tx, principal('00000000-0000-4000-8000-00000000000a', 'dup@example.com')));
    await ds.query(`UPDATE principals SET email = 'DUP@example.com' WHERE email = 'dup@example.com'`);
    const error = await inTransaction(ds, (tx) => insertPrincipal(tx, principal('00000000-0000-4000-8000-00000000000b', 'dup@example.com'))).catch((e: DomainError) => e);
    expect(error).toMatchObject({ code: 'conflict', details: { field: 'email' } });
  });

  it('lockAdminRoster counts enabled admins and makes a second counter wait until the first commits', async () => {
    const order: string[] = [];
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const first = inTransaction(ds, async (tx) => {
      const n = await lockAdminRoster(tx);
      order.push(`first saw ${n}`);
      await held;
      await tx.query(`UPDATE principals SET disabled_at = now() WHERE role = 'admin'`);
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const second = inTransaction(ds, async (tx) => order.push(`second saw ${await lockAdminRoster(tx)}`));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(order).toEqual(['first saw 1']);
    release();
    await Promise.all([first, second]);
    expect(order).toEqual(['first saw 1', 'second saw 0']);
  });
});
