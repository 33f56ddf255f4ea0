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

const LAST_USED_RESOLUTION_MS = 60_000;

/*
 * A verified key is trusted for two seconds without asking the database again: every request
 * would otherwise pay a round trip for it (startRun's latency budget is 15 ms at p99). A key
 * revoked in this process stops working at once (forgetVerifiedKeys); other API processes stop
 * honouring it within VERIFIED_TTL_MS.
 */
const VERIFIED_TTL_MS = 2_000;
const VERIFIED_LIMIT = 10_000;
const verified = new Map<string, { principal: Principal; until: number }>();
const lastUsedWritten = new Map<string, number>();

export async function authenticateApiKey(ds: DataSource, key: string, options: { allowDevelopmentKeys: boolean }): Promise<Principal | null> {
  // The development keys are public (README); a database seeded in development and later run
  // in production must not let them in.
  if (!options.allowDevelopmentKeys && key.startsWith(DEVELOPMENT_KEY_PREFIX)) return null;
  const hash = hashApiKey(key);
  const now = Date.now();
  const known = verified.get(hash);
  if (known && known.until > now) return known.principal;
  const row = await ds
    .createQueryBuilder(ApiKeyEntity, 'k')
    .innerJoin(PrincipalEntity, 'p', 'p.id = k.principal_id')
    .select(['k.id AS key_id', 'p.id AS id', 'p.name AS name', 'p.email AS email', 'p.role AS role'])
    .where('k.key_hash = :hash', { hash })
    .andWhere('k.revoked_at IS NULL')
    .andWhere('p.disabled_at IS NULL')
    .getRawOne<{ key_id: string; id: string; name: string; email: string; role: Role }>();
  if (!row) return null;
  const principal: Principal = { id: row.id, name: row.name, email: row.email, role: row.role };
  if (verified.size >= VERIFIED_LIMIT) verified.delete(verified.keys().next().value!);
  verified.set(hash, { principal, until: now + VERIFIED_TTL_MS });
  // Last-used time is informational; writing it at most once a minute per key and process keeps
  // every request from paying a second round trip.
  if ((lastUsedWritten.get(row.key_id) ?? 0) < now - LAST_USED_RESOLUTION_MS) {
    lastUsedWritten.set(row.key_id, now);
    void ds
      .query(`UPDATE api_keys SET last_used_at = now() WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`, [row.key_id])
      .catch(() => undefined);
  }
  return principal;
}

/** Forgets every verified key at once; revocation calls it so this process stops honouring the key immediately. */
export function forgetVerifiedKeys(): void {
  verified.clear();
}
