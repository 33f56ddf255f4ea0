import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Champion / challenger (issue 8 item 2), see docs/champion-challenger.md:
 * - workflows.challenger_*: the one approved version attached as a challenger, the share of live
 *   runs it shadows (0–100 %), who attached it and when. On the workflow row because startRun
 *   already reads (and guards on) that row: sampling costs no extra round trip.
 * - runs.champion_run_id: set on a challenger run, naming the live (champion) run it shadows.
 *   A challenger run always runs in shadow mode; its actions are recorded, never sent.
 * - runs_champion_idx: "the challenger run of this run" (and at most one per live run).
 * - runs_challenger_idx: the comparison's pairs, newest first, per challenger version.
 */
export class Challengers1733616000000 implements MigrationInterface {
  name = 'Challengers1733616000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE workflows
        ADD COLUMN challenger_version_id uuid REFERENCES workflow_versions(id),
        ADD COLUMN challenger_share numeric(5, 2) CHECK (challenger_share BETWEEN 0 AND 100),
        ADD COLUMN challenger_attached_by uuid,
        ADD COLUMN challenger_attached_at timestamptz,
        ADD CONSTRAINT workflows_challenger_complete CHECK (
          (challenger_version_id IS NULL) = (challenger_share IS NULL)
          AND (challenger_version_id IS NULL) = (challenger_attached_at IS NULL))`);
    await q.query(`ALTER TABLE runs ADD COLUMN champion_run_id uuid REFERENCES runs(id)`);
    await q.query(`CREATE UNIQUE INDEX runs_champion_idx ON runs (champion_run_id) WHERE champion_run_id IS NOT NULL`);
    await q.query(`CREATE INDEX runs_challenger_idx ON runs (version_id, created_at DESC) WHERE champion_run_id IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX runs_challenger_idx`);
    await q.query(`DROP INDEX runs_champion_idx`);
    await q.query(`ALTER TABLE runs DROP COLUMN champion_run_id`);
    await q.query(`
      ALTER TABLE workflows DROP CONSTRAINT workflows_challenger_complete,
        DROP COLUMN challenger_attached_at, DROP COLUMN challenger_attached_by,
        DROP COLUMN challenger_share, DROP COLUMN challenger_version_id`);
  }
}
