import { isRole, roleWithin, type Role } from '@gatehouse/domain';
import type { DataSource } from 'typeorm';
import type { Principal } from '../graphql/context.js';
import { apiKeyPrefix, DEVELOPMENT_KEY_PREFIX, legacySha256, verifyApiKey, type KeyHashScheme } from '@gatehouse/db';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { SingleFlight } from '../caching/single-flight.js';
import { createLimiter, type RateLimitStore } from '../http/rate-limit-store.js';

export { DEVELOPMENT_KEY_PREFIX };

/**
 * Resolves an API key to the principal it acts as: found by its prefix, then checked against
 * the stored slow hash. Revoked keys, disabled principals and keys whose role now exceeds their
 * principal's resolve to null, which the authorization gate answers with UNAUTHENTICATED.
 */
const LAST_USED_RESOLUTION_MS = 60_000;

/*
 * A verified key is trusted for two seconds without asking the database again: every request
 * would otherwise pay a round trip for it (startRun's latency budget is 15 ms at p99). A key
 * revoked in this process stops working at once (forgetVerifiedKeys); other API processes stop
 * honouring it within VERIFIED_TTL_MS.
 */
const VERIFIED_TTL_MS = 2_000;
/*
 * In the last REFRESH_AHEAD_MS of that trust a request is still answered from memory, and the
 * lookup that renews it runs in the background (one per key). Under steady traffic no request
 * waits for the lookup, where every two seconds one burst of requests otherwise did; the bound
 * on honouring a revoked key stays VERIFIED_TTL_MS, and a renewal that finds the key gone ends
 * the trust at once.
 */
const REFRESH_AHEAD_MS = 500;
const VERIFIED_LIMIT = 10_000;
/** In memory only, keyed by a fast digest of the presented key (never stored). */
const verified = new Map<string, { principal: Principal; until: number }>();
/*
 * The slow hash costs ~40 ms of CPU. Once a presented key has matched a stored hash, re-checking
 * the row every two seconds (for revocation) need not recompute it: the same key against the
 * same stored hash gives the same answer. Keyed like `verified`; the value is the stored hash proven.
 */
const proven = new Map<string, string>();
const lastUsedWritten = new Map<string, number>();
/*
 * Wrong secrets presented with a real key's prefix. Each costs a slow hash (~40 ms of CPU) and a
 * prefix is not secret (the console lists it), so anyone who knows one could make the API burn CPU
 * at the pace of the rate limit. After WRONG_SECRETS_PER_PREFIX of them within
 * WRONG_SECRET_WINDOW_S, the prefix is refused without hashing until the window ends; a key this
 * process has already verified keeps working (no hash is computed for it). The count lives in the
 * rate limits' store (API_RATE_LIMIT_STORE): with `postgres` every replica counts the same wrong
 * secrets, so N replicas do not give an attacker N times the hashes.
 */
export const WRONG_SECRETS_PER_PREFIX = 5;
const WRONG_SECRET_WINDOW_S = 60;

/** Where the refusal of a prefix is reported (the process logger). */
export interface WarnLogger {
  warn(fields: object, message: string): void;
}

/** The counter of wrong secrets per prefix, in `store`; one per app (createRequestAuthenticator). */
export function createWrongSecretCounter(store: RateLimitStore): RateLimiterAbstract {
  return createLimiter(store, { keyPrefix: 'api-key-wrong-secret', points: WRONG_SECRETS_PER_PREFIX, durationSeconds: WRONG_SECRET_WINDOW_S });
}
/** For callers that bring none (scripts, tests): this process's own count. */
const processWrongSecrets = createWrongSecretCounter({ kind: 'memory' });

export interface ApiKeyOptions {
  allowDevelopmentKeys: boolean;
  logger?: WarnLogger;
  /** Where wrong secrets per prefix are counted (createWrongSecretCounter); default: in this process. */
  wrongSecrets?: RateLimiterAbstract;
}

/** The requests of a burst that find a key's entry expired share one lookup. */
const lookups = new SingleFlight<string, Principal | null>();
/** Bumped by forgetVerifiedKeys: a lookup that started before must not re-admit a revoked key. */
let generation = 0;

interface KeyRow {
  key_id: string;
  key_hash: string;
  hash_scheme: KeyHashScheme;
  key_role: Role | null;
  workflow_keys: string[] | null;
  id: string;
  name: string;
  email: string;
  role: Role;
}

export async function authenticateApiKey(ds: DataSource, key: string, options: ApiKeyOptions): Promise<Principal | null> {
  // The development keys are public (README); a database seeded in development and later run
  // in production must not let them in.
  if (!options.allowDevelopmentKeys && key.startsWith(DEVELOPMENT_KEY_PREFIX)) return null;
  const prefix = apiKeyPrefix(key);
  if (!prefix) return null;
  const digest = legacySha256(key);
  const now = Date.now();
  const known = verified.get(digest);
  const lookUp = () => lookups.run(digest, () => lookUpKey(ds, key, prefix, digest, now, options.wrongSecrets ?? processWrongSecrets, options.logger));
  if (known && known.until > now) {
    if (known.until - now <= REFRESH_AHEAD_MS) renewInBackground(digest, known, lookUp);
    return known.principal;
  }
  return lookUp();
}

/** The background renewal of a verified key (see REFRESH_AHEAD_MS). */
function renewInBackground(digest: string, known: { principal: Principal; until: number }, lookUp: () => Promise<Principal | null>): void {
  // A key found revoked (or its principal disabled or demoted) is no longer trusted; only the
  // entry this renewal was for goes, a newer one (or a forgetVerifiedKeys) stands. A lookup that
  // failed proves nothing: the trust runs out at its time, and the next lookup tries again.
  lookUp().then(
    (principal) => {
      if (!principal && verified.get(digest) === known) verified.delete(digest);
    },
    () => undefined,
  );
}

async function lookUpKey(ds: DataSource, key: string, prefix: string, digest: string, now: number, wrongSecrets: RateLimiterAbstract, logger?: WarnLogger): Promise<Principal | null> {
  const startedIn = generation;
  const rows: KeyRow[] = await ds.query(
    `SELECT k.id AS key_id, k.key_hash, k.hash_scheme, k.role AS key_role, k.workflow_keys, p.id, p.name, p.email, p.role
       FROM api_keys k JOIN principals p ON p.id = k.principal_id
      WHERE k.prefix = $1 AND k.revoked_at IS NULL AND p.disabled_at IS NULL
      LIMIT 5`,
    [prefix],
  );
  // A key this process has verified before needs no slow hash.
  let row = rows.find((candidate) => proven.get(digest) === candidate.key_hash);
  if (!row && rows.length > 0) {
    if (((await wrongSecrets.get(prefix))?.consumedPoints ?? 0) >= WRONG_SECRETS_PER_PREFIX) return null;
    for (const candidate of rows) {
      if (await verifyApiKey(key, candidate.key_hash, candidate.hash_scheme)) {
        row = candidate;
        break;
      }
    }
    if (!row) {
      const counted = await wrongSecrets.penalty(prefix, 1);
      // Once per window, when the prefix starts being refused: someone is guessing (the prefix is not secret, the rest is).
      if (counted.consumedPoints === WRONG_SECRETS_PER_PREFIX) {
        logger?.warn({ keyPrefix: prefix, wrongSecrets: WRONG_SECRETS_PER_PREFIX, refusedForSeconds: Math.ceil(counted.msBeforeNext / 1000) }, 'API key prefix refused after repeated wrong secrets');
      }
    }
  }
  if (!row) return null;
  const principal = toPrincipal(row);
  if (!principal) return null;
  // A key revoked while this lookup ran is not trusted: this request read the row before the
  // revocation committed, but nothing after it may be answered from that read.
  if (startedIn !== generation) return principal;
  if (verified.size >= VERIFIED_LIMIT) verified.delete(verified.keys().next().value!);
  if (proven.size >= VERIFIED_LIMIT) proven.delete(proven.keys().next().value!);
  verified.set(digest, { principal, until: now + VERIFIED_TTL_MS });
  proven.set(digest, row.key_hash);
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

/** The key acts with its own role when it has one; a principal demoted below it makes the key unusable rather than silently different. */
function toPrincipal(row: KeyRow): Principal | null {
  if (!isRole(row.role)) return null;
  const role = row.key_role ?? row.role;
  if (!isRole(role) || !roleWithin(role, row.role)) return null;
  return { id: row.id, name: row.name, email: row.email, role, via: 'api_key', keyId: row.key_id, workflowScope: row.workflow_keys };
}

/** Forgets every verified key at once; revocation calls it so this process stops honouring the key immediately. */
export function forgetVerifiedKeys(): void {
  generation++;
  verified.clear();
  lookups.forget();
}
