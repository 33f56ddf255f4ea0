import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Emails identify people case-insensitively (sign-in, OIDC's email claim, createApiKey's
 * principal, createPrincipal): one principal per address whatever its letter case, and an index
 * for the `lower(email) = $1` lookups. Fails on a database that already holds two principals
 * whose emails differ only in case: merge or rename them first.
 */
export class PrincipalEmails1734220800000 implements MigrationInterface {
  name = 'PrincipalEmails1734220800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE UNIQUE INDEX principals_email_lower_key ON principals (lower(email))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX principals_email_lower_key`);
  }
}
