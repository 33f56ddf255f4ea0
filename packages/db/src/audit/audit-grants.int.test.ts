import { randomBytes } from 'node:crypto';
import { type DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { APP_DATABASE_ROLE } from '../app-role.js';
import { createDataSource } from '../data-source.js';
import { createTestDatabase, type TestDatabase } from '../testing/index.js';
import { appendAuditEvent, sealPendingAuditEvents, stageAuditEvents, verifyAuditChain, type AppendAuditEventInput } from './audit-log.js';

const event = (n: number): AppendAuditEventInput => ({
  actorId: null,
  actorRole: 'system',
  action: 'test.happened',
  subjectType: 'test',
  subjectId: `subject-${n}`,
  data: { n },
});

/** PostgreSQL's own refusal (a grant), not the guard trigger's (which says "append-only"). */
const permissionDenied = { code: '42501', message: 'permission denied for table audit_events' };

describe('the application role (gatehouse_app)', () => {
  let db: TestDatabase;
  /** As the API and the runner connect. */
  let app: DataSource;
  /** As migrations connect: the schema owner (here the superuser). */
  let owner: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase(inject('gatehousePostgres'));
    app = createDataSource({ url: db.url, poolSize: 2, role: APP_DATABASE_ROLE });
    owner = createDataSource({ url: db.url, poolSize: 2 });
    await Promise.all([app.initialize(), owner.initialize()]);
    await app.transaction((m) => appendAuditEvent(m, event(1)));
  });

  afterAll(async () => {
    await Promise.all([app?.destroy(), owner?.destroy()]);
    await db?.drop();
  });

  it('is who the application connection acts as, and RESET ROLE keeps it', async () => {
    expect(await app.query(`SELECT current_user AS who`)).toEqual([{ who: APP_DATABASE_ROLE }]);
    const runner = app.createQueryRunner();
    try {
      await runner.query('RESET ROLE');
      expect(await runner.query(`SELECT current_user AS who`)).toEqual([{ who: APP_DATABASE_ROLE }]);
    } finally {
      await runner.release();
    }
  });

  it.each([
    ['UPDATE', `UPDATE audit_events SET action = 'forged'`],
    ['DELETE', `DELETE FROM audit_events`],
    ['TRUNCATE', `TRUNCATE audit_events`],
  ])('is refused %s on audit_events by the grants', async (_op, sql) => {
    await expect(app.query(sql)).rejects.toMatchObject(permissionDenied);
    expect(await owner.query(`SELECT count(*)::int AS n, min(action) AS action FROM audit_events`)).toEqual([{ n: 1, action: 'test.happened' }]);
  });

  it('may insert audit events, stage them and seal them onto the chain, and verify it', async () => {
    await app.transaction((m) => appendAuditEvent(m, event(2)));
    await app.transaction((m) => stageAuditEvents(m, [event(3), event(4)]));
    expect(await sealPendingAuditEvents(app)).toBe(2);
    expect(await app.query(`SELECT count(*)::int AS n FROM audit_pending`)).toEqual([{ n: 0 }]);
    expect(await verifyAuditChain(app.manager)).toMatchObject({ ok: true, checked: 4 });
  });

  it('may change ordinary rows but not the record of applied migrations', async () => {
    await app.query(`INSERT INTO principals (name, email, role) VALUES ('A', 'a@example.com', 'viewer')`);
    await app.query(`UPDATE principals SET name = 'B' WHERE email = 'a@example.com'`);
    await app.query(`DELETE FROM principals WHERE email = 'a@example.com'`);
    expect((await app.query(`SELECT count(*)::int AS n FROM migrations`))[0].n).toBeGreaterThan(0);
    await expect(app.query(`DELETE FROM migrations`)).rejects.toMatchObject({ code: '42501' });
  });

  // The limit docs/security.md states: over a superuser login the role is a guard, not a wall.
  it('over a superuser login, a session that runs arbitrary SQL can switch back (the documented limit)', async () => {
    const runner = app.createQueryRunner();
    try {
      await runner.query('SET ROLE NONE');
      expect(await runner.query(`SELECT current_user AS who`)).toEqual([{ who: 'postgres' }]);
    } finally {
      await runner.query(`SET ROLE ${APP_DATABASE_ROLE}`);
      await runner.release();
    }
  });

  it('a login that is only a member of gatehouse_app cannot rewrite history even with arbitrary SQL', async () => {
    const login = `gatehouse_api_${randomBytes(4).toString('hex')}`;
    await owner.query(`CREATE ROLE ${login} LOGIN PASSWORD 'pw' IN ROLE ${APP_DATABASE_ROLE}`);
    const url = new URL(db.url);
    url.username = login;
    url.password = 'pw';
    const separate = createDataSource({ url: url.toString(), poolSize: 1, role: APP_DATABASE_ROLE });
    await separate.initialize();
    const runner = separate.createQueryRunner();
    try {
      await runner.query('SET ROLE NONE');
      await expect(runner.query(`UPDATE audit_events SET action = 'forged'`)).rejects.toMatchObject(permissionDenied);
      await expect(runner.query('SET ROLE postgres')).rejects.toMatchObject({ code: '42501' });
      await expect(runner.query('ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update_delete')).rejects.toMatchObject({ code: '42501' });
      expect((await runner.query(`SELECT count(*)::int AS n FROM audit_events`))[0].n).toBeGreaterThan(0);
    } finally {
      await runner.release();
      await separate.destroy();
      await owner.query(`DROP ROLE ${login}`);
    }
  });

  // A table a later migration adds must be usable by the application without a hand-written
  // grant, and any table the application cannot write is named here.
  it('has rights on every table, including one created after the grants migration', async () => {
    await owner.query(`CREATE TABLE later_table (id bigserial PRIMARY KEY, note text)`);
    await app.query(`INSERT INTO later_table (note) VALUES ('x')`);
    const rows = (await owner.query(
      `SELECT c.relname AS table,
              has_table_privilege($1, c.oid, 'SELECT') AS sel,
              has_table_privilege($1, c.oid, 'INSERT') AS ins,
              has_table_privilege($1, c.oid, 'UPDATE') AS upd,
              has_table_privilege($1, c.oid, 'DELETE') AS del
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm')
       ORDER BY c.relname`,
      [APP_DATABASE_ROLE],
    )) as Array<{ table: string; sel: boolean; ins: boolean; upd: boolean; del: boolean }>;
    // The only exceptions, and exactly which rights they lack.
    const expected = (table: string) =>
      table === 'audit_events' ? { sel: true, ins: true, upd: false, del: false } : table === 'migrations' ? { sel: true, ins: false, upd: false, del: false } : { sel: true, ins: true, upd: true, del: true };
    expect(rows.length).toBeGreaterThan(15);
    for (const { table, ...rights } of rows) expect({ table, ...rights }).toEqual({ table, ...expected(table) });
    const sequences = (await owner.query(
      `SELECT sequencename AS seq FROM pg_sequences
       WHERE schemaname = 'public' AND NOT has_sequence_privilege($1, format('%I.%I', schemaname, sequencename), 'USAGE')`,
      [APP_DATABASE_ROLE],
    )) as Array<{ seq: string }>;
    expect(sequences).toEqual([]);
  });
});
