import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Runbooks (issue 8 item 1, docs/runbooks.md): each workflow version carries its reviewers'
 * runbook as Markdown, versioned with the definition. Null for versions proposed without one;
 * the domain bounds its size (MAX_RUNBOOK_BYTES) and decides completeness.
 */
export class Runbooks1733529600000 implements MigrationInterface {
  name = 'Runbooks1733529600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE workflow_versions ADD COLUMN runbook text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE workflow_versions DROP COLUMN runbook`);
  }
}
