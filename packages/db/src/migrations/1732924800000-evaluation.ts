import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Shadow evaluation and promotion gating: each workflow's evaluation policy (agreement rule,
 * threshold, sample size, cost baseline and drift settings; '{}' means the domain's defaults).
 */
export class Evaluation1732924800000 implements MigrationInterface {
  name = 'Evaluation1732924800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE workflows ADD COLUMN evaluation jsonb NOT NULL DEFAULT '{}'::jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE workflows DROP COLUMN evaluation`);
  }
}
