import { type DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDataSource } from '../data-source.js';
import { createTestDatabase, type TestDatabase } from '../testing/index.js';
import {
  AuditEventEntity,
  entities,
  OutboxEntity,
  PrincipalEntity,
  RunEntity,
  StepAttemptEntity,
  WorkflowEntity,
  WorkflowVersionEntity,
} from './index.js';

/** Tables never written through entities: derived metrics data (triggers and the refresh SQL, migration 1733097600000) and the shared rate-limit counters (rate-limiter-flexible, migration 1734134400000). */
const DERIVED_TABLES = ['metrics_changes', 'metrics_hourly', 'rate_limit_counters'];

interface DbColumn {
  table_name: string;
  column_name: string;
  data_type: string;
  udt_name: string;
  is_nullable: 'YES' | 'NO';
  column_default: string | null;
  numeric_precision: number | null;
  numeric_scale: number | null;
}

describe('entities', () => {
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

  it('map every table and column of the migrated schema with the same type, nullability and default', async () => {
    const columns = (await ds.query(
      `SELECT table_name, column_name, data_type, udt_name, is_nullable, column_default,
              numeric_precision, numeric_scale
       FROM information_schema.columns
       WHERE table_schema = 'public' AND table_name NOT IN ('migrations', ${DERIVED_TABLES.map((t) => `'${t}'`).join(', ')})`,
    )) as DbColumn[];
    const tables = new Set(columns.map((c) => c.table_name));
    expect(ds.entityMetadatas.map((m) => m.tableName).sort()).toEqual([...tables].sort());
    expect(entities).toHaveLength(tables.size);

    for (const metadata of ds.entityMetadatas) {
      const dbColumns = columns.filter((c) => c.table_name === metadata.tableName);
      const fromDb = (c: DbColumn) => ({
        column: `${c.table_name}.${c.column_name}`,
        type: c.data_type === 'ARRAY' ? `${c.udt_name.slice(1)}[]` : c.data_type,
        nullable: c.is_nullable === 'YES',
        hasDefault: c.column_default !== null,
        ...(c.data_type === 'numeric' ? { precision: c.numeric_precision, scale: c.numeric_scale } : {}),
      });
      const mapped = metadata.columns.map((c) => {
        const type = ds.driver.normalizeType(c);
        return {
          column: `${metadata.tableName}.${c.databaseName}`,
          type: c.isArray ? `${type}[]` : type,
          nullable: c.isNullable,
          hasDefault: c.default !== undefined || c.isGenerated,
          ...(type === 'numeric' ? { precision: c.precision, scale: c.scale } : {}),
        };
      });
      const byName = (a: { column: string }, b: { column: string }) => a.column.localeCompare(b.column);
      expect(mapped.sort(byName)).toEqual(dbColumns.map(fromDb).sort(byName));
    }
  });

  it('round-trip through repositories with numbers, dates and jsonb intact', async () => {
    const principal = await ds.getRepository(PrincipalEntity).save({
      name: 'Olive Owner',
      email: 'olive@example.com',
      role: 'owner',
    });
    expect(principal.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(principal.createdAt).toBeInstanceOf(Date);

    const workflow = await ds.getRepository(WorkflowEntity).save({
      key: 'invoice-triage',
      name: 'Invoice triage',
      outcome: { statement: 'Faster triage', metric: 'p50 cycle time < 4h' },
      createdBy: principal.id,
    });
    expect(workflow).toMatchObject({ rolloutStage: 'shadow', paused: false, description: '' });

    const version = await ds.getRepository(WorkflowVersionEntity).save({
      workflowId: workflow.id,
      version: 1,
      status: 'draft',
      definition: { steps: [{ id: 'classify', kind: 'rules' }] },
      authorId: principal.id,
    });
    const run = await ds.getRepository(RunEntity).save({
      workflowId: workflow.id,
      versionId: version.id,
      mode: 'shadow',
      status: 'queued',
      input: { invoice: 'INV-1', amount: 12.5 },
      inputHash: 'abc',
      idempotencyKey: 'k-1',
      createdBy: principal.id,
    });
    await ds.getRepository(StepAttemptEntity).save({
      runId: run.id,
      stepId: 'classify',
      attempt: 1,
      status: 'succeeded',
      costUsd: 0.123456,
      confidence: 0.875,
      tokensIn: 120,
    });

    const attempt = await ds.getRepository(StepAttemptEntity).findOneByOrFail({ runId: run.id });
    expect(attempt.costUsd).toBe(0.123456);
    expect(attempt.confidence).toBe(0.875);
    expect(attempt.finishedAt).toBeNull();
    const reloaded = await ds.getRepository(RunEntity).findOneByOrFail({ id: run.id });
    expect(reloaded.input).toEqual({ invoice: 'INV-1', amount: 12.5 });
    expect(reloaded.output).toBeNull();

    await ds.getRepository(OutboxEntity).insert({ topic: 'steps', messageKey: run.id, payload: { runId: run.id } });
    const message = await ds.getRepository(OutboxEntity).findOneByOrFail({ messageKey: run.id });
    expect(typeof message.id).toBe('number');
    expect(message.attempts).toBe(0);

    await ds.query(
      `INSERT INTO audit_events (seq, occurred_at, actor_role, action, subject_type, subject_id, scope_ids, prev_hash, hash)
       VALUES (1, now(), 'system', 'test', 'run', $1, ARRAY[$1], 'p', 'h')`,
      [run.id],
    );
    const event = await ds.getRepository(AuditEventEntity).findOneByOrFail({ seq: 1 });
    expect(event.seq).toBe(1);
    expect(event.scopeIds).toEqual([run.id]);
    expect(event.data).toEqual({});
  });
});
