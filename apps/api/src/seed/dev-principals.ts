import { appendAuditEvent, hashApiKey, PUBLIC_SECRET_COST } from '@gatehouse/db';
import { SYSTEM_ACTOR_ROLE, type Role } from '@gatehouse/domain';
import type { DataSource } from 'typeorm';
import { hashPassword } from '../identity/password.js';

/** Every development principal's password (public, like the gh_dev_* keys; never seeded in production). */
export const DEV_PASSWORD = 'gatehouse-dev';

export interface DevPrincipal {
  id: string;
  name: string;
  email: string;
  role: Role;
  /** A fixed, public development key. Refused in production (see env.ts). */
  apiKey: string;
}

/** One principal per role, plus a second owner (change approver) and a second reviewer. */
export const DEV_PRINCIPALS: readonly DevPrincipal[] = [
  { id: '00000000-0000-4000-8000-000000000001', name: 'Ada Admin', email: 'ada@gatehouse.dev', role: 'admin', apiKey: 'gh_dev_admin' },
  { id: '00000000-0000-4000-8000-000000000002', name: 'Olive Owner', email: 'olive@gatehouse.dev', role: 'owner', apiKey: 'gh_dev_owner' },
  { id: '00000000-0000-4000-8000-000000000003', name: 'Oscar Approver', email: 'oscar@gatehouse.dev', role: 'owner', apiKey: 'gh_dev_approver' },
  { id: '00000000-0000-4000-8000-000000000004', name: 'Rita Reviewer', email: 'rita@gatehouse.dev', role: 'reviewer', apiKey: 'gh_dev_reviewer' },
  { id: '00000000-0000-4000-8000-000000000005', name: 'Rafael Reviewer', email: 'rafael@gatehouse.dev', role: 'reviewer', apiKey: 'gh_dev_reviewer2' },
  { id: '00000000-0000-4000-8000-000000000006', name: 'Ivy Integrator', email: 'ivy@gatehouse.dev', role: 'integrator', apiKey: 'gh_dev_integrator' },
  { id: '00000000-0000-4000-8000-000000000007', name: 'Vera Viewer', email: 'vera@gatehouse.dev', role: 'viewer', apiKey: 'gh_dev_viewer' },
];

export const devPrincipal = (apiKey: string): DevPrincipal => {
  const found = DEV_PRINCIPALS.find((p) => p.apiKey === apiKey);
  if (!found) throw new Error(`No dev principal with key ${apiKey}`);
  return found;
};

/** Idempotent: inserts what is missing, audits each principal it creates. */
export async function seedDevPrincipals(ds: DataSource): Promise<number> {
  // Hashed before the transaction, one at a time, at the public-secret cost (see PUBLIC_SECRET_COST).
  const hashes = new Map<string, string>();
  for (const p of DEV_PRINCIPALS) hashes.set(p.apiKey, await hashApiKey(p.apiKey, PUBLIC_SECRET_COST));
  const passwordHash = await hashPassword(DEV_PASSWORD, PUBLIC_SECRET_COST);
  return ds.transaction(async (tx) => {
    let created = 0;
    for (const p of DEV_PRINCIPALS) {
      const inserted: unknown[] = await tx.query(
        `INSERT INTO principals (id, name, email, role) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING id`,
        [p.id, p.name, p.email, p.role],
      );
      // Re-seeding moves a development key still stored as SHA-256 to scrypt (same public key).
      await tx.query(
        `INSERT INTO api_keys (principal_id, name, prefix, key_hash, hash_scheme) VALUES ($1, $2, $3, $4, 'scrypt')
         ON CONFLICT (prefix) DO UPDATE SET key_hash = EXCLUDED.key_hash, hash_scheme = 'scrypt' WHERE api_keys.hash_scheme <> 'scrypt'`,
        [p.id, 'development key', p.apiKey, hashes.get(p.apiKey)],
      );
      // Development passwords (README, "Development principals"); never replaces one a person set.
      await tx.query(`UPDATE principals SET password_hash = $2, password_changed_at = now() WHERE id = $1 AND password_hash IS NULL`, [p.id, passwordHash]);
      if (inserted.length > 0) {
        created += 1;
        await appendAuditEvent(tx, {
          actorId: null,
          actorRole: SYSTEM_ACTOR_ROLE,
          action: 'principal.seeded',
          subjectType: 'principal',
          subjectId: p.id,
          data: { name: p.name, email: p.email, role: p.role, environment: 'development' },
        });
      }
    }
    return created;
  });
}
