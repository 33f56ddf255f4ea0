import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The foundation schema. Status columns carry CHECK constraints that mirror the domain's
 * state machines so a bug elsewhere cannot write a state the domain does not know.
 */
export class InitialSchema1732579200000 implements MigrationInterface {
  name = 'InitialSchema1732579200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS pgcrypto`);

    await q.query(`
      CREATE TABLE principals (
        id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name        text NOT NULL,
        email       text NOT NULL UNIQUE,
        role        text NOT NULL CHECK (role IN ('admin','owner','reviewer','integrator','viewer')),
        created_at  timestamptz NOT NULL DEFAULT now(),
        disabled_at timestamptz
      )`);

    await q.query(`
      CREATE TABLE api_keys (
        id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        principal_id  uuid NOT NULL REFERENCES principals(id),
        name          text NOT NULL,
        prefix        text NOT NULL UNIQUE,
        key_hash      text NOT NULL UNIQUE,
        created_by    uuid REFERENCES principals(id),
        created_at    timestamptz NOT NULL DEFAULT now(),
        revoked_at    timestamptz,
        revoked_by    uuid REFERENCES principals(id),
        last_used_at  timestamptz
      )`);
    await q.query(`CREATE INDEX api_keys_principal_idx ON api_keys (principal_id)`);

    await q.query(`
      CREATE TABLE workflows (
        id                    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        key                   text NOT NULL UNIQUE CHECK (key ~ '^[a-z][a-z0-9-]{1,62}$'),
        name                  text NOT NULL,
        description           text NOT NULL DEFAULT '',
        outcome               jsonb,
        operational_owner_id  uuid REFERENCES principals(id),
        change_approver_id    uuid REFERENCES principals(id),
        failure_reviewer_id   uuid REFERENCES principals(id),
        rollout_stage         text NOT NULL DEFAULT 'shadow' CHECK (rollout_stage IN ('shadow','draft','execute')),
        paused                boolean NOT NULL DEFAULT false,
        paused_reason         text,
        published_version_id  uuid,
        created_by            uuid NOT NULL REFERENCES principals(id),
        created_at            timestamptz NOT NULL DEFAULT now(),
        updated_at            timestamptz NOT NULL DEFAULT now()
      )`);

    await q.query(`
      CREATE TABLE workflow_versions (
        id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        workflow_id       uuid NOT NULL REFERENCES workflows(id),
        version           integer NOT NULL CHECK (version > 0),
        status            text NOT NULL CHECK (status IN ('draft','proposed','approved','rejected','published','superseded')),
        definition        jsonb NOT NULL,
        change_note       text NOT NULL DEFAULT '',
        author_id         uuid NOT NULL REFERENCES principals(id),
        approved_by       uuid REFERENCES principals(id),
        approved_at       timestamptz,
        rejected_by       uuid REFERENCES principals(id),
        rejected_at       timestamptz,
        rejection_reason  text,
        published_by      uuid REFERENCES principals(id),
        published_at      timestamptz,
        created_at        timestamptz NOT NULL DEFAULT now(),
        UNIQUE (workflow_id, version)
      )`);
    await q.query(`
      ALTER TABLE workflows ADD CONSTRAINT workflows_published_version_fk
        FOREIGN KEY (published_version_id) REFERENCES workflow_versions(id)`);

    await q.query(`
      CREATE TABLE runs (
        id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        workflow_id      uuid NOT NULL REFERENCES workflows(id),
        version_id       uuid NOT NULL REFERENCES workflow_versions(id),
        mode             text NOT NULL CHECK (mode IN ('shadow','draft','execute')),
        status           text NOT NULL CHECK (status IN ('queued','running','waiting_approval','in_exception','completed','failed','cancelled','handed_off')),
        input            jsonb NOT NULL,
        input_hash       text NOT NULL,
        idempotency_key  text NOT NULL,
        external_ref     text,
        current_step_id  text,
        output           jsonb,
        error            jsonb,
        cancel_reason    text,
        created_by       uuid NOT NULL REFERENCES principals(id),
        created_at       timestamptz NOT NULL DEFAULT now(),
        started_at       timestamptz,
        finished_at      timestamptz,
        updated_at       timestamptz NOT NULL DEFAULT now(),
        UNIQUE (workflow_id, idempotency_key)
      )`);
    await q.query(`CREATE INDEX runs_created_idx ON runs (created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX runs_workflow_created_idx ON runs (workflow_id, created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX runs_status_created_idx ON runs (status, created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX runs_external_ref_idx ON runs (external_ref) WHERE external_ref IS NOT NULL`);

    await q.query(`
      CREATE TABLE step_attempts (
        id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        run_id          uuid NOT NULL REFERENCES runs(id),
        step_id         text NOT NULL,
        attempt         integer NOT NULL CHECK (attempt > 0),
        status          text NOT NULL CHECK (status IN ('running','succeeded','failed')),
        input           jsonb,
        output          jsonb,
        provider        text,
        model           text,
        prompt_version  text,
        tokens_in       integer,
        tokens_out      integer,
        cost_usd        numeric(14,6),
        latency_ms      integer,
        confidence      double precision,
        validation      jsonb,
        error           jsonb,
        started_at      timestamptz NOT NULL DEFAULT now(),
        finished_at     timestamptz,
        UNIQUE (run_id, step_id, attempt)
      )`);

    await q.query(`
      CREATE TABLE approvals (
        id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        run_id         uuid NOT NULL REFERENCES runs(id),
        workflow_id    uuid NOT NULL REFERENCES workflows(id),
        step_id        text NOT NULL,
        action_name    text,
        action_class   text NOT NULL CHECK (action_class IN ('read','draft','reversible','irreversible','customer_impacting')),
        required_role  text NOT NULL CHECK (required_role IN ('admin','owner','reviewer')),
        status         text NOT NULL CHECK (status IN ('pending','approved','rejected','cancelled')),
        decision       text CHECK (decision IN ('approve','reject','edit_and_approve')),
        proposed       jsonb NOT NULL,
        edited         jsonb,
        diff           jsonb,
        requested_by   uuid REFERENCES principals(id),
        decided_by     uuid REFERENCES principals(id),
        reason         text,
        due_at         timestamptz,
        created_at     timestamptz NOT NULL DEFAULT now(),
        decided_at     timestamptz
      )`);
    await q.query(`CREATE INDEX approvals_status_created_idx ON approvals (status, created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX approvals_workflow_status_idx ON approvals (workflow_id, status, created_at DESC)`);
    await q.query(`CREATE INDEX approvals_run_idx ON approvals (run_id)`);
    // One open gate per run step: a redelivered "request approval" cannot open a second one.
    await q.query(`CREATE UNIQUE INDEX approvals_one_pending_per_step ON approvals (run_id, step_id) WHERE status = 'pending'`);

    await q.query(`
      CREATE TABLE exception_items (
        id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        run_id             uuid NOT NULL REFERENCES runs(id),
        workflow_id        uuid NOT NULL REFERENCES workflows(id),
        step_id            text NOT NULL,
        reason             text NOT NULL CHECK (reason IN ('low_confidence','invalid_output','tool_error','missing_data','policy_blocked','timeout','model_error')),
        status             text NOT NULL CHECK (status IN ('open','claimed','resolved')),
        details            jsonb NOT NULL DEFAULT '{}'::jsonb,
        assignee_id        uuid REFERENCES principals(id),
        claimed_at         timestamptz,
        due_at             timestamptz,
        resolution         text CHECK (resolution IN ('retry','override_output','hand_off','cancel')),
        resolution_note    text,
        resolution_output  jsonb,
        hand_off_to        text,
        resolved_by        uuid REFERENCES principals(id),
        resolved_at        timestamptz,
        created_at         timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX exception_items_status_created_idx ON exception_items (status, created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX exception_items_workflow_status_idx ON exception_items (workflow_id, status, created_at DESC)`);
    await q.query(`CREATE INDEX exception_items_run_idx ON exception_items (run_id)`);
    await q.query(`CREATE UNIQUE INDEX exception_items_one_open_per_step ON exception_items (run_id, step_id) WHERE status <> 'resolved'`);

    await q.query(`
      CREATE TABLE shadow_outcomes (
        run_id         uuid PRIMARY KEY REFERENCES runs(id),
        workflow_id    uuid NOT NULL REFERENCES workflows(id),
        human_outcome  jsonb NOT NULL,
        ai_outcome     jsonb,
        agreed         boolean,
        recorded_by    uuid NOT NULL REFERENCES principals(id),
        recorded_at    timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX shadow_outcomes_workflow_idx ON shadow_outcomes (workflow_id, recorded_at DESC)`);

    await q.query(`
      CREATE TABLE audit_events (
        seq           bigint PRIMARY KEY CHECK (seq > 0),
        id            uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
        occurred_at   timestamptz NOT NULL,
        actor_id      uuid,
        actor_role    text NOT NULL,
        action        text NOT NULL,
        subject_type  text NOT NULL,
        subject_id    text NOT NULL,
        scope_ids     text[] NOT NULL DEFAULT '{}',
        data          jsonb NOT NULL DEFAULT '{}'::jsonb,
        prev_hash     text NOT NULL,
        hash          text NOT NULL UNIQUE
      )`);
    await q.query(`CREATE INDEX audit_events_subject_idx ON audit_events (subject_id, seq DESC)`);
    await q.query(`CREATE INDEX audit_events_scope_idx ON audit_events USING gin (scope_ids)`);
    // The audit log is append-only: the database itself refuses to rewrite history.
    await q.query(`
      CREATE FUNCTION audit_events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_events is append-only: % is not allowed', TG_OP
          USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(`
      CREATE TRIGGER audit_events_no_update_delete BEFORE UPDATE OR DELETE ON audit_events
        FOR EACH ROW EXECUTE FUNCTION audit_events_refuse_change()`);
    await q.query(`
      CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
        FOR EACH STATEMENT EXECUTE FUNCTION audit_events_refuse_change()`);

    await q.query(`
      CREATE TABLE outbox (
        id            bigserial PRIMARY KEY,
        topic         text NOT NULL,
        message_key   text NOT NULL,
        payload       jsonb NOT NULL,
        created_at    timestamptz NOT NULL DEFAULT now(),
        available_at  timestamptz NOT NULL DEFAULT now(),
        published_at  timestamptz,
        attempts      integer NOT NULL DEFAULT 0,
        last_error    text
      )`);
    await q.query(`CREATE INDEX outbox_unpublished_idx ON outbox (available_at, id) WHERE published_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS outbox`);
    await q.query(`DROP TRIGGER IF EXISTS audit_events_no_truncate ON audit_events`);
    await q.query(`DROP TRIGGER IF EXISTS audit_events_no_update_delete ON audit_events`);
    await q.query(`DROP TABLE IF EXISTS audit_events`);
    await q.query(`DROP FUNCTION IF EXISTS audit_events_refuse_change()`);
    await q.query(`DROP TABLE IF EXISTS shadow_outcomes`);
    await q.query(`DROP TABLE IF EXISTS exception_items`);
    await q.query(`DROP TABLE IF EXISTS approvals`);
    await q.query(`DROP TABLE IF EXISTS step_attempts`);
    await q.query(`DROP TABLE IF EXISTS runs`);
    await q.query(`ALTER TABLE workflows DROP CONSTRAINT IF EXISTS workflows_published_version_fk`);
    await q.query(`DROP TABLE IF EXISTS workflow_versions`);
    await q.query(`DROP TABLE IF EXISTS workflows`);
    await q.query(`DROP TABLE IF EXISTS api_keys`);
    await q.query(`DROP TABLE IF EXISTS principals`);
  }
}
