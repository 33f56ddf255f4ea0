import { randomBytes } from 'node:crypto';
import { createDataSource, OUTBOX_CHANNEL } from '@gatehouse/db';
import { createTestDatabase, type TestDatabase } from '@gatehouse/db/testing';
import { pino } from 'pino';
import { type DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { CLAIM_LOCK_SQL, CLAIM_SQL, createPostgresTransport } from './postgres-transport.js';
import { describeTransportContract, enqueueMessages, readDeadLetters } from './transport-contract.js';
import { type BatchHandler, type StepTransport } from './transport.js';

const logger = pino({ level: process.env.LOG_LEVEL ?? 'error' });

describeTransportContract('postgres transport', async () => {
  const db = await createTestDatabase(inject('gatehousePostgres'));
  const ds = createDataSource({ url: db.url, poolSize: 4 });
  await ds.initialize();
  const topic = `gatehouse.contract.${randomBytes(4).toString('hex')}`;
  const maxDeliveries = 3;
  const transports: StepTransport[] = [];

  return {
    kind: 'postgres',
    maxDeliveries,
    createTransport(overrides = {}) {
      const transport = createPostgresTransport({
        ds,
        listenConnectionString: db.url,
        topic,
        batchSize: overrides.batchSize,
        maxDeliveries,
        retryDelayMs: 50,
        logger,
      });
      transports.push(transport);
      return transport;
    },
    enqueue: (messages) => enqueueMessages(ds, topic, messages),
    async injectGarbage(key, rawText) {
      // A JSON string where a dispatch object belongs: valid jsonb, useless to the runner.
      await ds.transaction(async (m) => {
        await m.query(`INSERT INTO outbox (topic, message_key, payload) VALUES ($1, $2, to_jsonb($3::text))`, [
          topic,
          key,
          rawText,
        ]);
        await m.query('SELECT pg_notify($1, $2)', [OUTBOX_CHANNEL, topic]);
      });
    },
    deadLetters: () => readDeadLetters(ds),
    async close() {
      await Promise.all(transports.map((t) => t.stop()));
      await ds.destroy();
      await db.drop();
    },
  };
});

describe('postgres transport: acknowledging inside the handler\'s transaction', () => {
  let db: TestDatabase;
  let ds: DataSource;
  const transports: StepTransport[] = [];

  beforeAll(async () => {
    db = await createTestDatabase(inject('gatehousePostgres'));
    ds = createDataSource({ url: db.url, poolSize: 4 });
    await ds.initialize();
    await ds.query('CREATE TABLE effects (seq int NOT NULL)');
  });
  afterAll(async () => {
    await Promise.all(transports.map((t) => t.stop()));
    await ds.destroy();
    await db.drop();
  });

  const start = async (topic: string, handler: BatchHandler) => {
    const transport = createPostgresTransport({ ds, listenConnectionString: db.url, topic, retryDelayMs: 50, logger });
    transports.push(transport);
    await transport.start(handler);
    return transport;
  };
  const outboxRows = (topic: string) =>
    ds.query(`SELECT payload->>'seq' AS seq, published_at IS NOT NULL AS done, last_error AS "lastError" FROM outbox WHERE topic = $1 ORDER BY id`, [topic]) as Promise<
      Array<{ seq: string; done: boolean; lastError: string | null }>
    >;

  it('commits the effects, the acknowledgement and the dead letters together', async () => {
    const topic = `gatehouse.ack-in.${randomBytes(4).toString('hex')}`;
    await ds.query('TRUNCATE effects');
    const seenInside: boolean[] = [];
    let calls = 0;
    await start(topic, async (batch, controls) => {
      calls += 1;
      const deadLetters = batch.filter((d) => JSON.parse(d.value).seq === 2).map((delivery) => ({ delivery, reason: 'seq 2 is poison' }));
      await ds.transaction(async (tx) => {
        for (const d of batch) await tx.query('INSERT INTO effects (seq) VALUES ($1)', [JSON.parse(d.value).seq]);
        await controls!.acknowledgeIn!(tx, deadLetters);
        // Not yet visible outside: the acknowledgement commits with the effects, not before them.
        seenInside.push(...(await outboxRows(topic)).map((r) => r.done));
      });
      return { deadLetters };
    });
    await enqueueMessages(ds, topic, [0, 1, 2].map((seq) => ({ key: `k${seq}`, payload: { seq } })));

    await vi.waitFor(async () => expect((await outboxRows(topic)).every((r) => r.done)).toBe(true), { timeout: 10_000, interval: 50 });
    expect(seenInside.length).toBeGreaterThan(0);
    expect(seenInside.every((done) => !done)).toBe(true);
    expect(((await ds.query('SELECT seq FROM effects ORDER BY seq')) as Array<{ seq: number }>).map((r) => r.seq)).toEqual([0, 1, 2]);
    expect(await outboxRows(topic)).toEqual([
      { seq: '0', done: true, lastError: null },
      { seq: '1', done: true, lastError: null },
      { seq: '2', done: true, lastError: 'seq 2 is poison' },
    ]);
    expect((await readDeadLetters(ds)).filter((d) => d.topic === topic).map((d) => [d.messageKey, d.reason])).toEqual([['k2', 'seq 2 is poison']]);
    expect(calls).toBe(1);
  });

  it('delivers the batch again when the transaction that acknowledged it rolled back', async () => {
    const topic = `gatehouse.ack-in.${randomBytes(4).toString('hex')}`;
    await ds.query('TRUNCATE effects');
    const deliveries: Array<number | null> = [];
    await start(topic, async (batch, controls) => {
      deliveries.push(...batch.map((d) => d.deliveryCount));
      const first = batch[0]!.deliveryCount === 1;
      await ds.transaction(async (tx) => {
        for (const d of batch) await tx.query('INSERT INTO effects (seq) VALUES ($1)', [JSON.parse(d.value).seq]);
        await controls!.acknowledgeIn!(tx, []);
        if (first) throw new Error('the commit failed after acknowledging');
      });
      return { deadLetters: [] };
    });
    await enqueueMessages(ds, topic, [{ key: 'k0', payload: { seq: 0 } }]);

    await vi.waitFor(async () => expect((await outboxRows(topic)).every((r) => r.done)).toBe(true), { timeout: 10_000, interval: 50 });
    expect(deliveries).toEqual([1, 2]);
    // The rolled-back attempt left nothing behind; the second one committed once.
    expect(((await ds.query('SELECT seq FROM effects')) as Array<{ seq: number }>).map((r) => r.seq)).toEqual([0]);
  });
});

describe('postgres transport: the claim behind a large backlog', () => {
  it('skips the keys waiting for a retry with one hash, also where work_mem is too small for them', async () => {
    const db = await createTestDatabase(inject('gatehousePostgres'));
    const ds = createDataSource({ url: db.url, poolSize: 1 });
    await ds.initialize();
    try {
      const topic = 'gatehouse.claim-backlog';
      // 20,000 runs backing off after a failed delivery (an outage), 1,000 dispatches due.
      await ds.query(
        `INSERT INTO outbox (topic, message_key, payload, available_at, attempts)
         SELECT $1, gen_random_uuid()::text, '{}', now() + interval '1 hour', 1 FROM generate_series(1, 20000)`,
        [topic],
      );
      await ds.query(`INSERT INTO outbox (topic, message_key, payload) SELECT $1, gen_random_uuid()::text, '{}' FROM generate_series(1, 1000)`, [topic]);
      await ds.query('ANALYZE outbox');
      const before = (await ds.query('SHOW work_mem'))[0].work_mem as string;
      // 64 kB holds 20,000 keys as badly as the default 4 MB holds a few hundred thousand.
      const planOfClaim = (withLockStatement: boolean) =>
        ds.transaction(async (m) => {
          await m.query(`SET LOCAL work_mem = '64kB'`);
          if (withLockStatement) await m.query(CLAIM_LOCK_SQL, [topic]);
          const rows = (await m.query(`EXPLAIN ${CLAIM_SQL}`, [topic, 400, 30_000])) as Array<{ 'QUERY PLAN': string }>;
          return rows.map((r) => r['QUERY PLAN']).join('\n');
        });
      // Without the claim's own work_mem the subquery is rescanned per candidate row …
      expect(await planOfClaim(false)).toMatch(/SubPlan/);
      expect(await planOfClaim(false)).not.toContain('hashed SubPlan');
      // … with it, hashed once.
      expect(await planOfClaim(true)).toContain('hashed SubPlan');
      // The setting ends with the claim's transaction.
      expect((await ds.query('SHOW work_mem'))[0].work_mem).toBe(before);
    } finally {
      await ds.destroy();
      await db.drop();
    }
  });
});
