import { type MigrationInterface, type QueryRunner } from 'typeorm';
import { AUDIT_APPEND_LOCK_KEY } from '../audit/audit-lock.js';

/**
 * Audit events staged off the chain. A hot path (startRun) inserts its events here without the
 * chain's lock, so concurrent requests do not queue on one lock held through every commit's WAL
 * flush; whoever appends next under the lock — any audited change, the API's sealer, a reader
 * of the trail — first moves the staged events onto the chain, in the order they were staged.
 *
 * audit_lock_take() replaces audit_lock_head(): it takes the append lock, reads the head and
 * takes the staged events (deleted here, appended by the caller in the same transaction, so they
 * are never lost and never appended twice). PL/pgSQL takes a fresh snapshot for each statement
 * after the lock is held (READ COMMITTED), so it sees everything the previous holder committed.
 */
export class AuditPending1732838400000 implements MigrationInterface {
  name = 'AuditPending1732838400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audit_pending (
        pid bigserial PRIMARY KEY,
        occurred_at timestamptz NOT NULL,
        actor_id uuid,
        actor_role text NOT NULL,
        action text NOT NULL,
        subject_type text NOT NULL,
        subject_id text NOT NULL,
        scope_ids text[] NOT NULL DEFAULT '{}',
        data jsonb NOT NULL DEFAULT '{}'
      )`);
    await q.query(`DROP FUNCTION audit_lock_head()`);
    await q.query(`
      CREATE FUNCTION audit_lock_take(OUT head_seq bigint, OUT head_hash text, OUT pending text) LANGUAGE plpgsql VOLATILE AS $$
      BEGIN
        PERFORM pg_advisory_xact_lock(${AUDIT_APPEND_LOCK_KEY}::bigint);
        SELECT a.seq, a.hash INTO head_seq, head_hash FROM audit_events a ORDER BY a.seq DESC LIMIT 1;
        WITH taken AS (DELETE FROM audit_pending RETURNING *)
        SELECT json_agg(json_build_object(
                 'occurredAt', to_char(t.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                 'actorId', t.actor_id, 'actorRole', t.actor_role, 'action', t.action,
                 'subjectType', t.subject_type, 'subjectId', t.subject_id,
                 'scopeIds', t.scope_ids, 'data', t.data) ORDER BY t.pid)::text
          INTO pending FROM taken t;
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION audit_lock_take()`);
    await q.query(`
      CREATE FUNCTION audit_lock_head(OUT head_seq bigint, OUT head_hash text) LANGUAGE plpgsql VOLATILE AS $$
      BEGIN
        PERFORM pg_advisory_xact_lock(${AUDIT_APPEND_LOCK_KEY}::bigint);
        SELECT a.seq, a.hash INTO head_seq, head_hash FROM audit_events a ORDER BY a.seq DESC LIMIT 1;
      END $$`);
    await q.query(`DROP TABLE audit_pending`);
  }
}
