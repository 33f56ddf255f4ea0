import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { PrincipalEntity } from '../entities/index.js';
import { createTestDatabase, startTestPostgres, type TestDatabase } from './index.js';
import { migrations } from '../migrations/index.js';

async function query<T>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

const databaseExists = async (adminUrl: string, name: string) =>
  (await query(adminUrl, `SELECT 1 FROM pg_database WHERE datname = '${name}'`)).length === 1;

describe('test database harness', () => {
  const context = inject('gatehousePostgres');
  const cleanup: TestDatabase[] = [];

  afterAll(async () => {
    for (const db of cleanup) await db.drop();
  });

  it('gives every caller its own migrated database, and drop removes it', async () => {
    const a = await createTestDatabase(context);
    const b = await createTestDatabase(context);
    cleanup.push(b);
    expect(a.name).not.toBe(b.name);

    await query(a.url, `INSERT INTO principals (name, email, role) VALUES ('A', 'a@example.com', 'viewer')`);
    expect(await query(a.url, 'SELECT count(*)::int AS n FROM principals')).toEqual([{ n: 1 }]);
    expect(await query(b.url, 'SELECT count(*)::int AS n FROM principals')).toEqual([{ n: 0 }]);
    expect(await query(b.url, 'SELECT name FROM migrations ORDER BY id')).toEqual(migrations.map((m) => ({ name: m.name })));

    const open = new pg.Client({ connectionString: a.url });
    await open.connect();
    open.on('error', () => undefined); // the forced drop terminates it
    await a.drop();
    expect(await databaseExists(context.adminUrl, a.name)).toBe(false);
  });

  it('seeds the template on an existing server (DATABASE_URL mode) and drops it on stop', async () => {
    const server = await startTestPostgres({
      databaseUrl: context.adminUrl,
      seed: async (ds) => {
        await ds.getRepository(PrincipalEntity).insert({ name: 'Dev Admin', email: 'admin@dev.local', role: 'admin' });
      },
    });
    const db = await createTestDatabase(server);
    try {
      expect(await query(db.url, 'SELECT email, role FROM principals')).toEqual([
        { email: 'admin@dev.local', role: 'admin' },
      ]);
    } finally {
      await db.drop();
      await server.stop();
    }
    expect(await databaseExists(context.adminUrl, server.templateName)).toBe(false);
  });
});
