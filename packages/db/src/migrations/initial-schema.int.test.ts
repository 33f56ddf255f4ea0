import { type DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDataSource, hasPendingMigrations, runMigrations } from '../data-source.js';
import { createTestDatabase, type TestDatabase } from '../testing/index.js';
import { migrations } from './index.js';

const TABLES = [
  'api_keys',
  'approval_decisions',
  'approvals',
  'audit_events',
  'audit_pending',
  'cost_alerts',
  'dead_letters',
  'exception_items',
  'hand_offs',
  'metrics_changes',
  'metrics_hourly',
  'outbox',
  'parked_dispatches',
  'principals',
  'promotion_signoffs',
  'rate_limit_counters',
  'readiness_assessments',
  'runs',
  'sessions',
  'shadow_outcomes',
  'step_attempts',
  'webhook_deliveries',
  'webhook_delivery_attempts',
  'webhook_subscriptions',
  'workflow_reviewers',
  'workflow_versions',
  'workflows',
];

async function userObjects(ds: DataSource) {
  const tables = (await ds.query(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1`,
  )) as Array<{ table_name: string }>;
  const functions = (await ds.query(
    `SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
     WHERE n.nspname = 'public' AND p.proname IN ('audit_events_refuse_change', 'audit_lock_take')`,
  )) as unknown[];
  const sequences = (await ds.query(
    `SELECT sequence_name FROM information_schema.sequences WHERE sequence_schema = 'public'`,
  )) as Array<{ sequence_name: string }>;
  return {
    tables: tables.map((t) => t.table_name),
    auditFunctions: functions.length,
    sequences: sequences.map((s) => s.sequence_name).sort(),
  };
}

describe('migrations on an empty database', () => {
  let db: TestDatabase;
  let ds: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase(inject('gatehousePostgres'), { empty: true });
    ds = createDataSource({ url: db.url, poolSize: 2 });
    await ds.initialize();
  });

  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('reports pending migrations without creating anything', async () => {
    expect(await hasPendingMigrations(ds)).toBe(true);
    expect((await userObjects(ds)).tables).toEqual([]);
  });

  it('applies the schema, then has nothing pending and nothing more to apply', async () => {
    expect(await runMigrations(ds)).toEqual(['InitialSchema1732579200000', 'Runner1732665600000', 'AuditLockHead1732752000000', 'AuditPending1732838400000', 'Evaluation1732924800000', 'OutcomeMetrics1733011200000', 'MetricsRollups1733097600000', 'AuditGrants1733184000000', 'Privacy1733270400000', 'Authentication1733356800000', 'Authorization1733443200000', 'Runbooks1733529600000', 'Challengers1733616000000', 'Webhooks1733875200000', 'RateLimits1734134400000', 'PrincipalEmails1734220800000']);
    const objects = await userObjects(ds);
    expect(objects.tables).toEqual([...TABLES, 'migrations'].sort());
    expect(objects.auditFunctions).toBe(2);
    expect(await hasPendingMigrations(ds)).toBe(false);
    expect(await runMigrations(ds)).toEqual([]);
  });

  it('reverts completely with down, and applies again after', async () => {
    for (let i = 0; i < migrations.length; i++) await ds.undoLastMigration({ transaction: 'each' });
    const reverted = await userObjects(ds);
    expect(reverted.tables).toEqual(['migrations']);
    expect(reverted.auditFunctions).toBe(0);
    expect(reverted.sequences).toEqual(['migrations_id_seq']);
    expect(await ds.query('SELECT count(*)::int AS n FROM migrations')).toEqual([{ n: 0 }]);
    expect(await hasPendingMigrations(ds)).toBe(true);

    expect(await runMigrations(ds)).toEqual(['InitialSchema1732579200000', 'Runner1732665600000', 'AuditLockHead1732752000000', 'AuditPending1732838400000', 'Evaluation1732924800000', 'OutcomeMetrics1733011200000', 'MetricsRollups1733097600000', 'AuditGrants1733184000000', 'Privacy1733270400000', 'Authentication1733356800000', 'Authorization1733443200000', 'Runbooks1733529600000', 'Challengers1733616000000', 'Webhooks1733875200000', 'RateLimits1734134400000', 'PrincipalEmails1734220800000']);
    expect((await userObjects(ds)).tables).toEqual([...TABLES, 'migrations'].sort());
    const [principal] = (await ds.query(
      `INSERT INTO principals (name, email, role) VALUES ('Ada', 'ada@example.com', 'admin') RETURNING role`,
    )) as Array<{ role: string }>;
    expect(principal?.role).toBe('admin');
  });

  it('enforces the state CHECK constraints', async () => {
    await expect(
      ds.query(`INSERT INTO principals (name, email, role) VALUES ('Eve', 'eve@example.com', 'root')`),
    ).rejects.toMatchObject({ code: '23514' });
  });
});
