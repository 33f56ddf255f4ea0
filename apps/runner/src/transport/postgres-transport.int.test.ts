import { randomBytes } from 'node:crypto';
import { createDataSource, OUTBOX_CHANNEL } from '@gatehouse/db';
import { createTestDatabase } from '@gatehouse/db/testing';
import { pino } from 'pino';
import { inject } from 'vitest';
import { createPostgresTransport } from './postgres-transport.js';
import { describeTransportContract, enqueueMessages, readDeadLetters } from './transport-contract.js';
import { type StepTransport } from './transport.js';

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
