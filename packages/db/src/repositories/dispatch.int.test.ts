import { inSpan } from '@gatehouse/telemetry';
import { recordSpansInMemory } from '@gatehouse/telemetry/testing';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDataSource } from '../data-source.js';
import { createTestDatabase, type TestDatabase } from '../testing/index.js';
import { dispatchStep } from './dispatch.js';

let db: TestDatabase;
let ds: DataSource;
beforeAll(async () => {
  db = await createTestDatabase(inject('gatehousePostgres'));
  ds = createDataSource({ url: db.url, poolSize: 2 });
  await ds.initialize();
});
afterAll(async () => {
  await ds?.destroy();
  await db?.drop();
});

const payloadOf = async (runId: string) => ((await ds.query(`SELECT payload FROM outbox WHERE message_key = $1`, [runId])) as Array<{ payload: Record<string, unknown> }>)[0]!.payload;

describe('dispatchStep', () => {
  it('carries no trace context while tracing is off', async () => {
    const runId = randomUUID();
    await ds.transaction((tx) => dispatchStep(tx, { runId, stepId: 'reply', cause: 'approval_granted', seq: 2 }));
    expect(await payloadOf(runId)).not.toHaveProperty('traceparent');
  });

  it("carries the active span's trace (a person's decision), so the steps it leads to continue that trace", async () => {
    const spans = recordSpansInMemory();
    try {
      const runId = randomUUID();
      await inSpan('decideApproval', {}, () => ds.transaction((tx) => dispatchStep(tx, { runId, stepId: 'reply', cause: 'approval_granted', seq: 2 })));
      const [decision] = spans.exporter.getFinishedSpans();
      const { traceId, spanId } = decision!.spanContext();
      expect((await payloadOf(runId)).traceparent).toBe(`00-${traceId}-${spanId}-01`);
    } finally {
      await spans.stop();
    }
  });
});
