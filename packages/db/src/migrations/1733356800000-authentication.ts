import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Authentication (issue 6 item 1), see docs/security.md "Authentication":
 * - api_keys.hash_scheme: 'scrypt' (salted slow hash, `scrypt$N$r$p$salt$hash`) for keys issued
 *   from now on; rows that exist already keep 'sha256' — their secret is not known, so they
 *   cannot be re-hashed, and stay verifiable until revoked. No default afterwards: every insert
 *   must say which scheme it wrote.
 * - api_keys.role: a key may act with a role at most its principal's (NULL: the principal's).
 * - api_keys.workflow_keys: the workflows a key may act on (NULL: all).
 * - principals.password_hash (scrypt, NULL: no password sign-in) and oidc_subject (the `sub`
 *   an OIDC issuer gives this principal; NULL: matched by email).
 * - sessions: console sign-ins. Only a SHA-256 of the random session token is stored (the token
 *   has 256 bits of entropy, so a slow hash adds nothing); expiry, idle time and revocation.
 */
export class Authentication1733356800000 implements MigrationInterface {
  name = 'Authentication1733356800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE api_keys ADD COLUMN hash_scheme text NOT NULL DEFAULT 'sha256' CHECK (hash_scheme IN ('sha256','scrypt'))`);
    await q.query(`ALTER TABLE api_keys ALTER COLUMN hash_scheme DROP DEFAULT`);
    await q.query(`ALTER TABLE api_keys ADD COLUMN role text CHECK (role IN ('admin','owner','reviewer','integrator','viewer'))`);
    await q.query(`ALTER TABLE api_keys ADD COLUMN workflow_keys text[] CHECK (workflow_keys IS NULL OR cardinality(workflow_keys) > 0)`);

    await q.query(`ALTER TABLE principals ADD COLUMN password_hash text, ADD COLUMN password_changed_at timestamptz, ADD COLUMN oidc_subject text UNIQUE`);

    await q.query(`
      CREATE TABLE sessions (
        id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        token_hash    text NOT NULL UNIQUE,
        principal_id  uuid NOT NULL REFERENCES principals(id),
        created_at    timestamptz NOT NULL DEFAULT now(),
        last_seen_at  timestamptz NOT NULL DEFAULT now(),
        expires_at    timestamptz NOT NULL,
        revoked_at    timestamptz
      )`);
    await q.query(`CREATE INDEX sessions_principal_idx ON sessions (principal_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE sessions`);
    await q.query(`ALTER TABLE principals DROP COLUMN oidc_subject, DROP COLUMN password_changed_at, DROP COLUMN password_hash`);
    await q.query(`ALTER TABLE api_keys DROP COLUMN workflow_keys, DROP COLUMN role, DROP COLUMN hash_scheme`);
  }
}
