import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Authorization (issue 6 item 2), see docs/security.md "Authorization":
 * - workflow_reviewers: which reviewers act on which workflow (per-workflow scoping). Deleting a
 *   principal or workflow is not how access ends (unassignReviewer is, audited), so no CASCADE.
 * - approvals.required_approvals: N of N-of-M, fixed when the gate opens (1–5).
 * - approval_decisions: every person's decision on an approval. `round` goes up with each edit
 *   (only the current round counts towards N); the unique key makes "the same person counts
 *   twice in a round" impossible even if a caller forgot the approval's row lock.
 */
export class Authorization1733443200000 implements MigrationInterface {
  name = 'Authorization1733443200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE workflow_reviewers (
        workflow_id  uuid NOT NULL REFERENCES workflows(id),
        principal_id uuid NOT NULL REFERENCES principals(id),
        assigned_by  uuid REFERENCES principals(id),
        assigned_at  timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (workflow_id, principal_id)
      )`);
    // "Which workflows is this reviewer on?" — the queue and inbox default filter.
    await q.query(`CREATE INDEX workflow_reviewers_principal_idx ON workflow_reviewers (principal_id)`);

    await q.query(`ALTER TABLE approvals ADD COLUMN required_approvals integer NOT NULL DEFAULT 1 CHECK (required_approvals BETWEEN 1 AND 5)`);

    await q.query(`
      CREATE TABLE approval_decisions (
        id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        approval_id  uuid NOT NULL REFERENCES approvals(id),
        round        integer NOT NULL CHECK (round >= 1),
        decided_by   uuid NOT NULL,
        decision     text NOT NULL CHECK (decision IN ('approve', 'reject', 'edit_and_approve')),
        reason       text,
        edited       jsonb,
        decided_at   timestamptz NOT NULL DEFAULT now(),
        UNIQUE (approval_id, round, decided_by)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE approval_decisions`);
    await q.query(`ALTER TABLE approvals DROP COLUMN required_approvals`);
    await q.query(`DROP TABLE workflow_reviewers`);
  }
}
