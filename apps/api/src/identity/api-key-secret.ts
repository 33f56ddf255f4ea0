import { createHash, randomBytes } from 'node:crypto';

/**
 * API keys look like `gh_<prefix>_<secret>`. The prefix identifies a key in lists and logs
 * without revealing it; only a hash of the whole key is stored.
 * (The security issue replaces this fast hash with a slow one.)
 */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export function generateApiKey(): { key: string; prefix: string } {
  const prefix = randomBytes(6).toString('hex');
  const secret = randomBytes(24).toString('base64url');
  return { key: `gh_${prefix}_${secret}`, prefix };
}

/** Reads the key from `x-api-key` or `Authorization: Bearer <key>`. */
export function apiKeyFromHeaders(headers: Record<string, string | string[] | undefined>): string | null {
  const direct = headers['x-api-key'];
  const value = Array.isArray(direct) ? direct[0] : direct;
  if (value?.trim()) return value.trim();
  const auth = headers.authorization;
  const authValue = Array.isArray(auth) ? auth[0] : auth;
  const match = authValue?.match(/^Bearer\s+(.+)$/i);
  return match?.[1]?.trim() || null;
}
