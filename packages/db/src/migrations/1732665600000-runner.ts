import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * What the runner needs to execute steps exactly once:
 * - runs.dispatch_seq is a fencing token: every dispatch carries the sequence number the run
 *   expects, so a redelivered or stale dispatch is recognised and ignored.
 * - step_attempts gain the step kind, the dispatch they answered and the action's
 *   idempotency key (stable across redeliveries and automatic retries).
 * - dead_letters keeps every message the runner could not process, as received.
 * - parked_dispatches holds the next step of runs whose workflow is paused, until resume.
 */
export class Runner1732665600000 implements MigrationInterface {
  name = 'Runner1732665600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE runs ADD COLUMN dispatch_seq integer NOT NULL DEFAULT 1 CHECK (dispatch_seq > 0)`);
    await q.query(`
      ALTER TABLE step_attempts
        ADD COLUMN step_kind text CHECK (step_kind IN ('rules','agent','validate','action','approval','route')),
        ADD COLUMN dispatch_seq integer,
        ADD COLUMN effect_key text`);
    await q.query(`ALTER TABLE step_attempts DROP CONSTRAINT step_attempts_status_check`);
    await q.query(`ALTER TABLE step_attempts ADD CONSTRAINT step_attempts_status_check CHECK (status IN ('running','succeeded','failed','gated'))`);
    await q.query(`CREATE INDEX step_attempts_effect_key_idx ON step_attempts (effect_key) WHERE effect_key IS NOT NULL`);

    await q.query(`
      CREATE TABLE dead_letters (
        id           bigserial PRIMARY KEY,
        transport    text NOT NULL CHECK (transport IN ('kafka','postgres')),
        topic        text NOT NULL,
        message_key  text,
        payload      text NOT NULL,
        reason       text NOT NULL,
        run_id       uuid,
        created_at   timestamptz NOT NULL DEFAULT now(),
        replayed_at  timestamptz
      )`);
    await q.query(`CREATE INDEX dead_letters_created_idx ON dead_letters (created_at DESC)`);
    await q.query(`CREATE INDEX dead_letters_run_idx ON dead_letters (run_id) WHERE run_id IS NOT NULL`);

    await q.query(`
      CREATE TABLE parked_dispatches (
        run_id       uuid PRIMARY KEY REFERENCES runs(id),
        workflow_id  uuid NOT NULL REFERENCES workflows(id),
        payload      jsonb NOT NULL,
        parked_at    timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX parked_dispatches_workflow_idx ON parked_dispatches (workflow_id)`);

    // Consumers claim by topic; the relay and the Postgres transport both scan this index.
    await q.query(`DROP INDEX outbox_unpublished_idx`);
    await q.query(`CREATE INDEX outbox_unpublished_idx ON outbox (topic, available_at, id) WHERE published_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX outbox_unpublished_idx`);
    await q.query(`CREATE INDEX outbox_unpublished_idx ON outbox (available_at, id) WHERE published_at IS NULL`);
    await q.query(`DROP TABLE parked_dispatches`);
    await q.query(`DROP TABLE dead_letters`);
    await q.query(`DROP INDEX step_attempts_effect_key_idx`);
    await q.query(`DELETE FROM step_attempts WHERE status = 'gated'`);
    await q.query(`ALTER TABLE step_attempts DROP CONSTRAINT step_attempts_status_check`);
    await q.query(`ALTER TABLE step_attempts ADD CONSTRAINT step_attempts_status_check CHECK (status IN ('running','succeeded','failed'))`);
    await q.query(`ALTER TABLE step_attempts DROP COLUMN effect_key, DROP COLUMN dispatch_seq, DROP COLUMN step_kind`);
    await q.query(`ALTER TABLE runs DROP COLUMN dispatch_seq`);
  }
}
