import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { API_KEY_COST, scryptHash, scryptVerify, type ScryptCost } from './scrypt-hash.js';

/**
 * One implementation of the key format and its hash for every process that issues or checks
 * keys (the API, the CLI's bootstrap-admin), so a key one of them stores the other accepts.
 * API keys look like `gh_<prefix>_<secret>`. The prefix identifies a key in lists and logs and
 * finds its row without revealing it; only a salted scrypt hash of the whole key is stored.
 */
export type KeyHashScheme = 'scrypt' | 'sha256';

/** The development keys (`gh_dev_admin` …) are their own prefix: they are public anyway. */
export const DEVELOPMENT_KEY_PREFIX = 'gh_dev_';

export function hashApiKey(key: string, cost: ScryptCost = API_KEY_COST): Promise<string> {
  return scryptHash(key, cost);
}

/** Keys issued before scrypt were stored as unsalted SHA-256; kept verifiable until revoked. */
export function legacySha256(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export async function verifyApiKey(key: string, stored: string, scheme: KeyHashScheme): Promise<boolean> {
  if (scheme === 'scrypt') return scryptVerify(key, stored);
  const expected = Buffer.from(stored, 'hex');
  const actual = Buffer.from(legacySha256(key), 'hex');
  return expected.length === actual.length && timingSafeEqual(actual, expected);
}

/** The prefix stored with the key, or null when the string cannot be one of our keys (no lookup then). */
export function apiKeyPrefix(key: string): string | null {
  if (key.startsWith(DEVELOPMENT_KEY_PREFIX)) return key.length <= 64 ? key : null;
  return /^gh_([0-9a-f]{12})_[A-Za-z0-9_-]{16,64}$/.exec(key)?.[1] ?? null;
}

export function generateApiKey(): { key: string; prefix: string } {
  const prefix = randomBytes(6).toString('hex');
  const secret = randomBytes(24).toString('base64url');
  return { key: `gh_${prefix}_${secret}`, prefix };
}
