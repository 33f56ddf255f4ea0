import { type MigrationInterface, type QueryRunner } from 'typeorm';
import { APP_DATABASE_ROLE } from '../app-role.js';

const ROLE = APP_DATABASE_ROLE;

/**
 * The application's database role. The API and the runner act as `gatehouse_app` (see
 * createDataSource's `role`), which may read and write every table but may only SELECT and
 * INSERT audit_events: history cannot be rewritten through the application, whatever its bugs,
 * and the guard trigger stays as a second line. The schema owner (who runs migrations) keeps
 * every right; tampering by it is what the hash chain detects.
 *
 * The role is cluster-wide and NOLOGIN: created once (several databases of one server, e.g. the
 * test databases, share it), while the grants live in each database. Tables created by later
 * migrations get the same rights through ALTER DEFAULT PRIVILEGES (for objects the migrating
 * role creates); the grants test fails if one does not.
 */
export class AuditGrants1733184000000 implements MigrationInterface {
  name = 'AuditGrants1733184000000';

  async up(q: QueryRunner): Promise<void> {
    // Two migrations on one server may race to create it: the loser finds it there.
    await q.query(`
      DO $$
      BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${ROLE}') THEN
          CREATE ROLE ${ROLE} NOLOGIN;
        END IF;
      EXCEPTION WHEN duplicate_object OR unique_violation THEN
        NULL;
      END $$`);
    // The migrating role must be able to SET ROLE to it (a CREATEROLE non-superuser is not a
    // member of the roles it creates from PostgreSQL 16 on); a no-op for a superuser.
    await q.query(`
      DO $$
      BEGIN
        IF NOT pg_has_role(current_user, '${ROLE}', 'MEMBER') THEN
          EXECUTE format('GRANT ${ROLE} TO %I', current_user);
        END IF;
      END $$`);
    await q.query(`GRANT USAGE ON SCHEMA public TO ${ROLE}`);
    await q.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${ROLE}`);
    await q.query(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${ROLE}`);
    // Append-only for the application; migrations are the owner's business (read for readiness).
    await q.query(`REVOKE UPDATE, DELETE ON audit_events FROM ${ROLE}`);
    await q.query(`REVOKE INSERT, UPDATE, DELETE ON migrations FROM ${ROLE}`);
    await q.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${ROLE}`);
    await q.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO ${ROLE}`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE USAGE, SELECT ON SEQUENCES FROM ${ROLE}`);
    await q.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE SELECT, INSERT, UPDATE, DELETE ON TABLES FROM ${ROLE}`);
    await q.query(`REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM ${ROLE}`);
    await q.query(`REVOKE ALL ON ALL TABLES IN SCHEMA public FROM ${ROLE}`);
    await q.query(`REVOKE USAGE ON SCHEMA public FROM ${ROLE}`);
    // The role itself stays: it is cluster-wide and other databases on the server may use it.
  }
}
