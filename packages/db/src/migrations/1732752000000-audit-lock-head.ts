import { type MigrationInterface, type QueryRunner } from 'typeorm';
import { AUDIT_APPEND_LOCK_KEY } from '../audit/audit-lock.js';

/**
 * One round trip instead of two for every audited change: takes the audit chain's append lock
 * and then reads the head. PL/pgSQL takes a fresh snapshot for the SELECT after the lock is
 * held (READ COMMITTED), so the head it returns is the one the previous holder committed.
 */
export class AuditLockHead1732752000000 implements MigrationInterface {
  name = 'AuditLockHead1732752000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION audit_lock_head(OUT head_seq bigint, OUT head_hash text) LANGUAGE plpgsql VOLATILE AS $$
      BEGIN
        PERFORM pg_advisory_xact_lock(${AUDIT_APPEND_LOCK_KEY}::bigint);
        SELECT a.seq, a.hash INTO head_seq, head_hash FROM audit_events a ORDER BY a.seq DESC LIMIT 1;
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION audit_lock_head()`);
  }
}
