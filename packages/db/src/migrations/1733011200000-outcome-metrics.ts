import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Outcome metrics:
 * - hand_offs: every hand-off of a run to a manual path, with what that path reported back,
 *   so failed, bounced and timed-out hand-offs can be counted.
 * - runs.reopen_count / reopened_at: runs re-opened after completion (rework).
 * - cost_alerts: cost-per-run drift above a workflow's baseline, at most one open per workflow.
 * - indexes the metrics queries use to reach a window's runs' children by run id.
 */
export class OutcomeMetrics1733011200000 implements MigrationInterface {
  name = 'OutcomeMetrics1733011200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE hand_offs (
        id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        run_id        uuid NOT NULL REFERENCES runs(id),
        workflow_id   uuid NOT NULL REFERENCES workflows(id),
        exception_id  uuid REFERENCES exception_items(id),
        target        text NOT NULL,
        status        text NOT NULL CHECK (status IN ('pending','accepted','completed','failed','bounced')),
        due_at        timestamptz,
        note          text,
        created_at    timestamptz NOT NULL DEFAULT now(),
        closed_at     timestamptz
      )`);
    await q.query(`CREATE INDEX hand_offs_run_idx ON hand_offs (run_id)`);
    await q.query(`CREATE INDEX hand_offs_workflow_created_idx ON hand_offs (workflow_id, created_at DESC)`);

    await q.query(`ALTER TABLE runs ADD COLUMN reopen_count integer NOT NULL DEFAULT 0 CHECK (reopen_count >= 0), ADD COLUMN reopened_at timestamptz`);

    await q.query(`
      CREATE TABLE cost_alerts (
        id                    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        workflow_id           uuid NOT NULL REFERENCES workflows(id),
        window_start          timestamptz NOT NULL,
        window_end            timestamptz NOT NULL,
        runs                  integer NOT NULL CHECK (runs > 0),
        cost_per_run_usd      numeric(14,6) NOT NULL,
        baseline_per_run_usd  numeric(14,6) NOT NULL,
        increase_percent      double precision NOT NULL,
        raised_at             timestamptz NOT NULL DEFAULT now(),
        cleared_at            timestamptz
      )`);
    // At most one open alert per workflow: a second check while it is open cannot raise another.
    await q.query(`CREATE UNIQUE INDEX cost_alerts_one_open_per_workflow ON cost_alerts (workflow_id) WHERE cleared_at IS NULL`);
    await q.query(`CREATE INDEX cost_alerts_raised_idx ON cost_alerts (raised_at DESC, id DESC)`);

    // Cost per run sums a window's attempts by run id; INCLUDE lets it read the index only.
    await q.query(`CREATE INDEX step_attempts_run_cost_idx ON step_attempts (run_id) INCLUDE (cost_usd)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX step_attempts_run_cost_idx`);
    await q.query(`DROP TABLE cost_alerts`);
    await q.query(`ALTER TABLE runs DROP COLUMN reopened_at, DROP COLUMN reopen_count`);
    await q.query(`DROP TABLE hand_offs`);
  }
}
