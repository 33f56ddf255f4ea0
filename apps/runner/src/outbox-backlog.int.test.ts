import { createDataSource, enqueueOutbox } from '@gatehouse/db';
import { createTestDatabase, type TestDatabase } from '@gatehouse/db/testing';
import pg from 'pg';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { readBacklog } from './outbox-backlog.js';

let db: TestDatabase;
let ds: DataSource;
let pool: pg.Pool;

beforeAll(async () => {
  db = await createTestDatabase(inject('gatehousePostgres'));
  ds = createDataSource({ url: db.url, poolSize: 2 });
  await ds.initialize();
  pool = new pg.Pool({ connectionString: db.url, max: 2 });
});
afterAll(async () => {
  await pool.end();
  await ds.destroy();
  await db.drop();
});

describe('readBacklog', () => {
  it('is empty on a fresh database', async () => {
    expect(await readBacklog(pool)).toEqual({ pending: 0, oldestAgeSeconds: null });
  });

  it('counts unpublished dispatches and the age of the oldest', async () => {
    await ds.transaction(async (tx) => {
      await enqueueOutbox(tx, { topic: 'gatehouse.step-dispatch', key: 'run-a', payload: { runId: 'run-a' } });
      await enqueueOutbox(tx, { topic: 'gatehouse.step-dispatch', key: 'run-b', payload: { runId: 'run-b' } });
      await enqueueOutbox(tx, { topic: 'gatehouse.step-dispatch', key: 'run-c', payload: { runId: 'run-c' } });
    });
    await pool.query(`UPDATE outbox SET created_at = now() - interval '90 seconds' WHERE message_key = 'run-a'`);
    await pool.query(`UPDATE outbox SET published_at = now() WHERE message_key = 'run-c'`);
    const backlog = await readBacklog(pool);
    expect(backlog.pending).toBe(2);
    expect(backlog.oldestAgeSeconds).toBeGreaterThanOrEqual(90);
    expect(backlog.oldestAgeSeconds).toBeLessThan(120);
  });
});
