import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Metrics rollups (issue 4, "fast at scale"):
 * - metrics_hourly: per (workflow, hour of run creation, UTC) the figures of that hour's runs
 *   that do not depend on "now" — counts, sums, and the raw values behind the percentiles
 *   (cycle times, approval latencies) as packed float8 — written only by the refresh in
 *   apps/api/src/modules/metrics/metrics.rollup.ts.
 * - metrics_changes: an append-only change log. Every committed change that can move a figure
 *   (a run created, finished, re-opened; an approval, exception, hand-off, cost or shadow
 *   outcome written or changed) appends (workflow, hour of its run's creation) in the same
 *   transaction, by the triggers below. No hot row is updated on the write path: triggers only
 *   INSERT (statement-level for inserts and deletes, so bulk writes append one row per hour;
 *   row-level with a WHEN filter for updates, so updates of other columns cost nothing).
 *   The refresh consumes (deletes) the rows it saw in the same statement that recomputes
 *   their hours; the read path treats hours that still have rows as dirty and computes them
 *   from the raw tables, so answers are always exact and fresh.
 * - Existing history: every (workflow, hour) with runs is logged as changed, so the first
 *   refresh builds the rollup.
 */
const MARKED = ['step_attempts', 'approvals', 'exception_items', 'hand_offs', 'shadow_outcomes'] as const;

/** The columns whose change moves a figure (the UPDATE triggers' WHEN filter). */
const WATCHED: Record<(typeof MARKED)[number] | 'runs', string[]> = {
  runs: ['workflow_id', 'created_at', 'status', 'finished_at', 'reopen_count'],
  step_attempts: ['run_id', 'cost_usd'],
  approvals: ['run_id', 'status', 'decision', 'created_at', 'decided_at', 'due_at'],
  exception_items: ['run_id', 'reason', 'status', 'resolved_at', 'due_at'],
  hand_offs: ['run_id', 'status', 'due_at'],
  shadow_outcomes: ['run_id', 'agreed'],
};

const changed = (columns: string[]) => columns.map((c) => `OLD.${c} IS DISTINCT FROM NEW.${c}`).join(' OR ');

export class MetricsRollups1733097600000 implements MigrationInterface {
  name = 'MetricsRollups1733097600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE metrics_changes (
        workflow_id  uuid NOT NULL,
        hour         timestamptz NOT NULL,
        logged_at    timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX metrics_changes_workflow_hour_idx ON metrics_changes (workflow_id, hour)`);
    // Rows are appended and deleted all day: vacuum it often, so reads do not wade through dead entries.
    await q.query(`ALTER TABLE metrics_changes SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 1000, autovacuum_vacuum_insert_scale_factor = 0, autovacuum_vacuum_insert_threshold = 1000)`);

    await q.query(`
      CREATE TABLE metrics_hourly (
        workflow_id          uuid NOT NULL,
        hour                 timestamptz NOT NULL,
        runs_started         integer NOT NULL,
        runs_finished        integer NOT NULL,
        completed            integer NOT NULL,
        failed               integer NOT NULL,
        cancelled            integer NOT NULL,
        handed_off           integer NOT NULL,
        cycle_n              integer NOT NULL,
        cycle_values         bytea NOT NULL,
        straight_through     integer NOT NULL,
        runs_with_exception  integer NOT NULL,
        exceptions_opened    integer NOT NULL,
        runs_reopened        integer NOT NULL,
        ever_completed       integer NOT NULL,
        total_cost_usd       numeric NOT NULL,
        shadow_n             integer NOT NULL,
        shadow_agreed        integer NOT NULL,
        approvals_requested  integer NOT NULL,
        approvals_decided    integer NOT NULL,
        approvals_reworked   integer NOT NULL,
        approvals_with_due   integer NOT NULL,
        approvals_late       integer NOT NULL,
        latency_values       bytea NOT NULL,
        exceptions_with_due  integer NOT NULL,
        exceptions_late      integer NOT NULL,
        exceptions_by_reason jsonb NOT NULL,
        hand_offs            integer NOT NULL,
        hand_offs_failed     integer NOT NULL,
        approvals_open_due   bytea NOT NULL,
        exceptions_open_due  bytea NOT NULL,
        hand_offs_open_due   bytea NOT NULL,
        refreshed_at         timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (workflow_id, hour)
      )`);
    // The cycle/latency values are read whole (packed float8): keep them out of compression attempts.
    await q.query(`ALTER TABLE metrics_hourly ALTER COLUMN cycle_values SET STORAGE EXTERNAL, ALTER COLUMN latency_values SET STORAGE EXTERNAL`);

    // Runs: inserts and deletes per statement (bulk-friendly), updates per row when a watched column changed.
    await q.query(`
      CREATE FUNCTION metrics_mark_runs() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO metrics_changes (workflow_id, hour)
        SELECT DISTINCT workflow_id, date_trunc('hour', created_at, 'UTC') FROM changed_rows;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE FUNCTION metrics_mark_run_update() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO metrics_changes (workflow_id, hour) VALUES (NEW.workflow_id, date_trunc('hour', NEW.created_at, 'UTC'));
        IF OLD.workflow_id IS DISTINCT FROM NEW.workflow_id OR date_trunc('hour', OLD.created_at, 'UTC') IS DISTINCT FROM date_trunc('hour', NEW.created_at, 'UTC') THEN
          INSERT INTO metrics_changes (workflow_id, hour) VALUES (OLD.workflow_id, date_trunc('hour', OLD.created_at, 'UTC'));
        END IF;
        RETURN NULL;
      END $$`);
    // Children: the hour is their run's.
    await q.query(`
      CREATE FUNCTION metrics_mark_children() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO metrics_changes (workflow_id, hour)
        SELECT DISTINCT r.workflow_id, date_trunc('hour', r.created_at, 'UTC')
          FROM (SELECT DISTINCT run_id FROM changed_rows) c JOIN runs r ON r.id = c.run_id;
        RETURN NULL;
      END $$`);
    // Step attempts without a cost do not move any figure (a missing cost counts 0).
    await q.query(`
      CREATE FUNCTION metrics_mark_costs() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO metrics_changes (workflow_id, hour)
        SELECT DISTINCT r.workflow_id, date_trunc('hour', r.created_at, 'UTC')
          FROM (SELECT DISTINCT run_id FROM changed_rows WHERE cost_usd IS NOT NULL) c JOIN runs r ON r.id = c.run_id;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE FUNCTION metrics_mark_child_update() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO metrics_changes (workflow_id, hour)
        SELECT r.workflow_id, date_trunc('hour', r.created_at, 'UTC') FROM runs r WHERE r.id IN (NEW.run_id, OLD.run_id);
        RETURN NULL;
      END $$`);
    // TRUNCATE: every stored hour is suspect.
    await q.query(`
      CREATE FUNCTION metrics_mark_all() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO metrics_changes (workflow_id, hour) SELECT workflow_id, hour FROM metrics_hourly;
        RETURN NULL;
      END $$`);

    await q.query(`CREATE TRIGGER metrics_mark_insert AFTER INSERT ON runs REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION metrics_mark_runs()`);
    await q.query(`CREATE TRIGGER metrics_mark_delete AFTER DELETE ON runs REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION metrics_mark_runs()`);
    await q.query(`CREATE TRIGGER metrics_mark_update AFTER UPDATE ON runs FOR EACH ROW WHEN (${changed(WATCHED.runs)}) EXECUTE FUNCTION metrics_mark_run_update()`);
    await q.query(`CREATE TRIGGER metrics_mark_truncate AFTER TRUNCATE ON runs FOR EACH STATEMENT EXECUTE FUNCTION metrics_mark_all()`);
    for (const table of MARKED) {
      const onInsert = table === 'step_attempts' ? 'metrics_mark_costs' : 'metrics_mark_children';
      await q.query(`CREATE TRIGGER metrics_mark_insert AFTER INSERT ON ${table} REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION ${onInsert}()`);
      await q.query(`CREATE TRIGGER metrics_mark_delete AFTER DELETE ON ${table} REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION metrics_mark_children()`);
      await q.query(`CREATE TRIGGER metrics_mark_update AFTER UPDATE ON ${table} FOR EACH ROW WHEN (${changed(WATCHED[table])}) EXECUTE FUNCTION metrics_mark_child_update()`);
      await q.query(`CREATE TRIGGER metrics_mark_truncate AFTER TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION metrics_mark_all()`);
    }

    // Existing history: every hour with runs is dirty until the first refresh builds it.
    await q.query(`INSERT INTO metrics_changes (workflow_id, hour) SELECT DISTINCT workflow_id, date_trunc('hour', created_at, 'UTC') FROM runs`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['runs', ...MARKED]) {
      for (const t of ['insert', 'delete', 'update', 'truncate']) await q.query(`DROP TRIGGER metrics_mark_${t} ON ${table}`);
    }
    for (const f of ['metrics_mark_runs', 'metrics_mark_run_update', 'metrics_mark_children', 'metrics_mark_costs', 'metrics_mark_child_update', 'metrics_mark_all']) {
      await q.query(`DROP FUNCTION ${f}()`);
    }
    await q.query(`DROP TABLE metrics_hourly`);
    await q.query(`DROP TABLE metrics_changes`);
  }
}
