import { randomBytes } from 'node:crypto';
import { type DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DERIVED_APP_LOGIN, prepareAppLogin, resolveAppLoginUrl } from '../app-login.js';
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
  /** As the API and the runner connect: the application login, acting as gatehouse_app. */
  let app: DataSource;
  /** As migrations connect: the schema owner (here the superuser). */
  let owner: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase(inject('gatehousePostgres'));
    app = createDataSource({ url: db.appUrl, poolSize: 2, role: APP_DATABASE_ROLE });
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

  // Through the pool the API and the runner use, arbitrary SQL cannot leave the grants: the login
  // itself holds nothing but gatehouse_app's rights (docs/security.md, "Audit integrity").
  it('logs in as the application login, from which no role switch leads out of the grants', async () => {
    const runner = app.createQueryRunner();
    try {
      expect(await runner.query(`SELECT session_user AS login`)).toEqual([{ login: DERIVED_APP_LOGIN }]);
      for (const escape of ['RESET ROLE', 'SET ROLE NONE']) {
        await runner.query(escape);
        await expect(runner.query(`UPDATE audit_events SET action = 'forged'`)).rejects.toMatchObject(permissionDenied);
        await expect(runner.query(`DELETE FROM audit_events`)).rejects.toMatchObject(permissionDenied);
        await expect(runner.query('ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update_delete')).rejects.toMatchObject({ code: '42501' });
      }
      await expect(runner.query('SET ROLE postgres')).rejects.toMatchObject({ code: '42501' });
      await expect(runner.query('SET SESSION AUTHORIZATION postgres')).rejects.toMatchObject({ code: '42501' });
      // Not the owner: PostgreSQL grants nothing (a warning, not an error), and the update still fails.
      await runner.query(`GRANT UPDATE, DELETE ON audit_events TO ${DERIVED_APP_LOGIN}`);
      await expect(runner.query(`UPDATE audit_events SET action = 'forged'`)).rejects.toMatchObject(permissionDenied);
      await expect(runner.query(`ALTER ROLE ${DERIVED_APP_LOGIN} SUPERUSER`)).rejects.toMatchObject({ code: '42501' });
      expect(await owner.query(`SELECT count(*)::int AS n FROM audit_events WHERE action = 'forged'`)).toEqual([{ n: 0 }]);
      expect((await owner.query(`SELECT count(*)::int AS n FROM audit_events`))[0].n).toBeGreaterThan(0);
    } finally {
      await runner.release();
    }
  });

  it('is a login with no attribute beyond LOGIN and INHERIT', async () => {
    expect(
      await owner.query(
        `SELECT rolsuper, rolcreaterole, rolcreatedb, rolreplication, rolbypassrls, rolcanlogin,
                ARRAY(SELECT b.rolname FROM pg_auth_members m JOIN pg_roles b ON b.oid = m.roleid WHERE m.member = r.oid)::text[] AS member_of
           FROM pg_roles r WHERE rolname = $1`,
        [DERIVED_APP_LOGIN],
      ),
    ).toEqual([{ rolsuper: false, rolcreaterole: false, rolcreatedb: false, rolreplication: false, rolbypassrls: false, rolcanlogin: true, member_of: [APP_DATABASE_ROLE] }]);
  });

  describe('prepareAppLogin (the API, at migrate time)', () => {
    it('creates the login DATABASE_URL names when it is missing, with only gatehouse_app\'s rights, and keeps it', async () => {
      const login = `gatehouse_api_${randomBytes(4).toString('hex')}`;
      const url = new URL(db.url);
      url.username = login;
      url.password = "it's a pw";
      try {
        expect(await prepareAppLogin(owner, { databaseUrl: url.toString(), production: true })).toEqual({ url: url.toString(), login, derived: false });
        expect(await prepareAppLogin(owner, { databaseUrl: url.toString(), production: true })).toMatchObject({ login, derived: false });
        const separate = createDataSource({ url: url.toString(), poolSize: 1, role: APP_DATABASE_ROLE });
        await separate.initialize();
        try {
          await separate.query(`SELECT count(*) FROM audit_events`);
          await expect(separate.query(`SET ROLE postgres`)).rejects.toMatchObject({ code: '42501' });
          await expect(separate.query(`DELETE FROM audit_events`)).rejects.toMatchObject(permissionDenied);
        } finally {
          await separate.destroy();
        }
      } finally {
        await owner.query(`DROP ROLE IF EXISTS ${login}`);
      }
    });

    it('refuses a privileged DATABASE_URL in production, and outside it derives the gatehouse_api login', async () => {
      await expect(prepareAppLogin(owner, { databaseUrl: db.url, production: true })).rejects.toThrow(
        /DATABASE_URL logs in as "postgres", which is a superuser or may create roles.*DATABASE_MIGRATION_URL/,
      );
      const prepared = await prepareAppLogin(owner, { databaseUrl: db.url, production: false });
      expect(prepared).toEqual({ url: db.appUrl, login: DERIVED_APP_LOGIN, derived: true });
      expect(new URL(prepared.url).password).not.toBe(new URL(db.url).password);
    });

    it('resets the derived login\'s password when it no longer matches (the owner\'s password changed)', async () => {
      await owner.query(`ALTER ROLE ${DERIVED_APP_LOGIN} PASSWORD 'stale'`);
      await prepareAppLogin(owner, { databaseUrl: db.url, production: false });
      const again = createDataSource({ url: db.appUrl, poolSize: 1 });
      await again.initialize();
      await again.destroy();
    });
  });

  describe('resolveAppLoginUrl (the runner)', () => {
    it('uses an application login as it is, and replaces a privileged one by the derived login outside production', async () => {
      expect(await resolveAppLoginUrl(db.appUrl, { production: true })).toBe(db.appUrl);
      expect(await resolveAppLoginUrl(db.url, { production: false })).toBe(db.appUrl);
      await expect(resolveAppLoginUrl(db.url, { production: true })).rejects.toThrow(/superuser or may create roles/);
    });
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
