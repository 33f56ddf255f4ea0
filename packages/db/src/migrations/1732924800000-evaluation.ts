import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Shadow evaluation and promotion gating: each workflow's evaluation policy (agreement rule,
 * threshold, sample size, cost baseline and drift settings; '{}' means the domain's defaults),
 * its readiness assessments (history kept; the latest counts) and the change approver's
 * promotion sign-offs (each good for one promotion to one stage, until it expires).
 */
export class Evaluation1732924800000 implements MigrationInterface {
  name = 'Evaluation1732924800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE workflows ADD COLUMN evaluation jsonb NOT NULL DEFAULT '{}'::jsonb`);

    await q.query(`
      CREATE TABLE readiness_assessments (
        id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        workflow_id  uuid NOT NULL REFERENCES workflows(id),
        answers      jsonb NOT NULL,
        met_count    integer NOT NULL CHECK (met_count BETWEEN 0 AND 6),
        ready        boolean NOT NULL,
        assessed_by  uuid NOT NULL REFERENCES principals(id),
        assessed_at  timestamptz NOT NULL DEFAULT now(),
        CHECK (ready = (met_count = 6))
      )`);
    // The gate and the Workflow.readiness field read the latest assessment of one workflow.
    await q.query(`CREATE INDEX readiness_assessments_workflow_idx ON readiness_assessments (workflow_id, assessed_at DESC)`);

    await q.query(`
      CREATE TABLE promotion_signoffs (
        id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        workflow_id    uuid NOT NULL REFERENCES workflows(id),
        to_stage       text NOT NULL CHECK (to_stage IN ('draft', 'execute')),
        note           text NOT NULL,
        signed_off_by  uuid NOT NULL REFERENCES principals(id),
        signed_off_at  timestamptz NOT NULL DEFAULT now(),
        expires_at     timestamptz NOT NULL,
        consumed_at    timestamptz,
        CHECK (expires_at > signed_off_at)
      )`);
    // The gate reads the latest sign-off for the stage being promoted to.
    await q.query(`CREATE INDEX promotion_signoffs_workflow_idx ON promotion_signoffs (workflow_id, to_stage, signed_off_at DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE promotion_signoffs`);
    await q.query(`DROP TABLE readiness_assessments`);
    await q.query(`ALTER TABLE workflows DROP COLUMN evaluation`);
  }
}
