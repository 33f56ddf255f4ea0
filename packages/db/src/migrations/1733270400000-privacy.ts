import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Privacy (issue 6 item 5), see docs/security.md "Privacy: what is stored where":
 * - step_attempts.redactions: what redaction replaced in the stored trace (paths, detector
 *   counts, locations); NULL for attempts written before redaction existed.
 * - step_attempts.execution_output: the unredacted output of a succeeded step, kept only when
 *   redaction changed `output`, because later steps of the same run read it (the trace column
 *   `output` is redacted). Purged by retention with the rest of the run's payloads.
 * - payload_purged_at on every table whose payload columns retention clears, so readers can
 *   say "purged by retention" instead of showing NULL as if nothing was there.
 * - The NOT NULL payload columns (runs.input, approvals.proposed, shadow_outcomes.human_outcome)
 *   become nullable, allowed to be NULL only once purged (CHECK), so nothing else may leave them empty.
 * - runs_retention_idx: the retention job's scan (finished, not yet purged, oldest first).
 */
export class Privacy1733270400000 implements MigrationInterface {
  name = 'Privacy1733270400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE step_attempts ADD COLUMN redactions jsonb, ADD COLUMN execution_output jsonb, ADD COLUMN payload_purged_at timestamptz`);
    await q.query(`ALTER TABLE runs ADD COLUMN payload_purged_at timestamptz`);
    await q.query(`ALTER TABLE approvals ADD COLUMN payload_purged_at timestamptz`);
    await q.query(`ALTER TABLE exception_items ADD COLUMN payload_purged_at timestamptz`);
    await q.query(`ALTER TABLE shadow_outcomes ADD COLUMN payload_purged_at timestamptz`);

    await q.query(`ALTER TABLE runs ALTER COLUMN input DROP NOT NULL, ADD CONSTRAINT runs_input_present CHECK (input IS NOT NULL OR payload_purged_at IS NOT NULL)`);
    await q.query(`ALTER TABLE approvals ALTER COLUMN proposed DROP NOT NULL, ADD CONSTRAINT approvals_proposed_present CHECK (proposed IS NOT NULL OR payload_purged_at IS NOT NULL)`);
    await q.query(
      `ALTER TABLE shadow_outcomes ALTER COLUMN human_outcome DROP NOT NULL, ADD CONSTRAINT shadow_outcomes_human_outcome_present CHECK (human_outcome IS NOT NULL OR payload_purged_at IS NOT NULL)`,
    );

    await q.query(`CREATE INDEX runs_retention_idx ON runs (finished_at, id) WHERE payload_purged_at IS NULL AND finished_at IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX runs_retention_idx`);
    // Purged rows cannot get their payload back; they hold JSON null so the NOT NULLs can return.
    await q.query(`UPDATE shadow_outcomes SET human_outcome = 'null'::jsonb WHERE human_outcome IS NULL`);
    await q.query(`UPDATE approvals SET proposed = 'null'::jsonb WHERE proposed IS NULL`);
    await q.query(`UPDATE runs SET input = 'null'::jsonb WHERE input IS NULL`);
    await q.query(`ALTER TABLE shadow_outcomes DROP CONSTRAINT shadow_outcomes_human_outcome_present, ALTER COLUMN human_outcome SET NOT NULL`);
    await q.query(`ALTER TABLE approvals DROP CONSTRAINT approvals_proposed_present, ALTER COLUMN proposed SET NOT NULL`);
    await q.query(`ALTER TABLE runs DROP CONSTRAINT runs_input_present, ALTER COLUMN input SET NOT NULL`);
    await q.query(`ALTER TABLE shadow_outcomes DROP COLUMN payload_purged_at`);
    await q.query(`ALTER TABLE exception_items DROP COLUMN payload_purged_at`);
    await q.query(`ALTER TABLE approvals DROP COLUMN payload_purged_at`);
    await q.query(`ALTER TABLE runs DROP COLUMN payload_purged_at`);
    await q.query(`ALTER TABLE step_attempts DROP COLUMN payload_purged_at, DROP COLUMN execution_output, DROP COLUMN redactions`);
  }
}
