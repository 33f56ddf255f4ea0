import { ApiKeyEntity, PrincipalEntity } from '@gatehouse/db';
import type { Role } from '@gatehouse/domain';
import type { DataSource } from 'typeorm';
import type { Principal } from '../graphql/context.js';
import { hashApiKey } from './api-key-secret.js';

/**
 * Resolves an API key to its principal. Revoked keys and disabled principals resolve to
 * null, which the authorization gate answers with UNAUTHENTICATED.
 */
export const DEVELOPMENT_KEY_PREFIX = 'gh_dev_';

export async function authenticateApiKey(ds: DataSource, key: string, options: { allowDevelopmentKeys: boolean }): Promise<Principal | null> {
  // The development keys are public (README); a database seeded in development and later run
  // in production must not let them in.
  if (!options.allowDevelopmentKeys && key.startsWith(DEVELOPMENT_KEY_PREFIX)) return null;
  const row = await ds
    .createQueryBuilder(ApiKeyEntity, 'k')
    .innerJoin(PrincipalEntity, 'p', 'p.id = k.principal_id')
    .select(['k.id AS key_id', 'p.id AS id', 'p.name AS name', 'p.email AS email', 'p.role AS role'])
    .where('k.key_hash = :hash', { hash: hashApiKey(key) })
    .andWhere('k.revoked_at IS NULL')
    .andWhere('p.disabled_at IS NULL')
    .getRawOne<{ key_id: string; id: string; name: string; email: string; role: Role }>();
  if (!row) return null;
  // Last-used time is informational; updating it at most once a minute keeps reads cheap.
  void ds
    .query(
      `UPDATE api_keys SET last_used_at = now() WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`,
      [row.key_id],
    )
    .catch(() => undefined);
  return { id: row.id, name: row.name, email: row.email, role: row.role };
}
