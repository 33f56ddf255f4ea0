import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { type DataSource } from 'typeorm';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { createDataSource } from '../data-source.js';
import { createTestDatabase, type TestDatabase } from '../testing/index.js';
import { enqueueOutbox, OUTBOX_CHANNEL } from './outbox.js';

describe('outbox', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let listener: pg.Client;
  const received: Array<{ channel: string; payload: string | undefined }> = [];

  beforeAll(async () => {
    db = await createTestDatabase(inject('gatehousePostgres'));
    ds = createDataSource({ url: db.url, poolSize: 4 });
    await ds.initialize();
    listener = new pg.Client({ connectionString: db.url });
    await listener.connect();
    listener.on('notification', (n) => received.push({ channel: n.channel, payload: n.payload }));
    await listener.query(`LISTEN ${OUTBOX_CHANNEL}`);
  });

  afterAll(async () => {
    await listener?.end();
    await ds?.destroy();
    await db?.drop();
  });

  beforeEach(() => {
    received.length = 0;
  });

  const rowCount = async () =>
    ((await ds.query('SELECT count(*)::int AS n FROM outbox')) as Array<{ n: number }>)[0]?.n;

  it('stores the message and wakes listeners only once the transaction commits', async () => {
    const before = await rowCount();
    const message = await ds.transaction(async (m) => {
      const enqueued = await enqueueOutbox(m, {
        topic: 'steps',
        key: 'run-1',
        payload: { runId: 'run-1', stepId: 'classify' },
      });
      await sleep(150);
      // Still uncommitted: nothing delivered, nothing visible to others.
      expect(received).toEqual([]);
      expect(await rowCount()).toBe(before);
      return enqueued;
    });

    expect(message).toMatchObject({ topic: 'steps', messageKey: 'run-1', attempts: 0, publishedAt: null });
    expect(typeof message.id).toBe('number');
    await expect.poll(() => received, { timeout: 2000 }).toEqual([{ channel: OUTBOX_CHANNEL, payload: 'steps' }]);
    const [row] = (await ds.query('SELECT message_key, payload FROM outbox WHERE id = $1', [message.id])) as Array<{
      message_key: string;
      payload: unknown;
    }>;
    expect(row).toEqual({ message_key: 'run-1', payload: { runId: 'run-1', stepId: 'classify' } });
  });

  it('neither stores nor announces a message whose transaction rolls back', async () => {
    const before = await rowCount();
    await expect(
      ds.transaction(async (m) => {
        await enqueueOutbox(m, { topic: 'rolled-back', key: 'run-2', payload: {} });
        throw new Error('state change failed');
      }),
    ).rejects.toThrow('state change failed');
    await sleep(200);
    expect(received).toEqual([]);
    expect(await rowCount()).toBe(before);
  });

  it('keeps a requested availability time (backoff)', async () => {
    const availableAt = new Date(Date.now() + 60_000);
    const message = await ds.transaction((m) =>
      enqueueOutbox(m, { topic: 'steps', key: 'run-3', payload: { retry: 2 }, availableAt }),
    );
    expect(message.availableAt.getTime()).toBe(availableAt.getTime());
    expect(message.createdAt.getTime()).toBeLessThan(availableAt.getTime());
  });

  it('refuses to enqueue outside a transaction', async () => {
    await expect(enqueueOutbox(ds.manager, { topic: 'steps', key: 'k', payload: {} })).rejects.toThrow(
      /inside the transaction/,
    );
  });
});
