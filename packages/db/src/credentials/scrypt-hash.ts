import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * Salted scrypt hashes stored as `scrypt$<log2 N>$<r>$<p>$<salt>$<hash>` (base64url), so the
 * cost can be raised later without invalidating what is stored. node:crypto runs scrypt on the
 * libuv pool: no native build, and the event loop keeps serving while a hash is computed.
 */
export interface ScryptCost {
  log2N: number;
  r: number;
  p: number;
}

/** API keys carry 144 random bits, so the hash guards against a stolen table, not guessing: 16 MiB. */
export const API_KEY_COST: ScryptCost = { log2N: 14, r: 8, p: 1 };
/** Passwords are people's: 32 MiB (OWASP's floor is 2^17 for scrypt; raise with more CPU to spare). */
export const PASSWORD_COST: ScryptCost = { log2N: 15, r: 8, p: 1 };

/**
 * The development keys and password are published in the README: a slow hash protects nothing
 * there, and seeding seven 16–32 MiB hashes at every development start only costs memory (the
 * API's resident peak) and time. 1 MiB, the floor scryptVerify accepts.
 */
export const PUBLIC_SECRET_COST: ScryptCost = { log2N: 10, r: 8, p: 1 };

const KEY_LENGTH = 32;
// A stored hash is trusted input, but a corrupt one must not make a request allocate gigabytes.
const MAX_LOG2N = 20;

function derive(secret: string, salt: Buffer, cost: ScryptCost): Promise<Buffer> {
  const N = 2 ** cost.log2N;
  const options: ScryptOptions = { N, r: cost.r, p: cost.p, maxmem: 256 * N * cost.r };
  return new Promise((resolve, reject) => scrypt(secret.normalize('NFKC'), salt, KEY_LENGTH, options, (err, key) => (err ? reject(err) : resolve(key))));
}

export async function scryptHash(secret: string, cost: ScryptCost): Promise<string> {
  const salt = randomBytes(16);
  const hash = await derive(secret, salt, cost);
  return ['scrypt', cost.log2N, cost.r, cost.p, salt.toString('base64url'), hash.toString('base64url')].join('$');
}

/** Constant-time comparison; a malformed stored hash verifies nothing. */
export async function scryptVerify(secret: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [log2N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (![log2N, r, p].every(Number.isInteger) || log2N < 10 || log2N > MAX_LOG2N || r < 1 || r > 32 || p < 1 || p > 16) return false;
  const expected = Buffer.from(parts[5]!, 'base64url');
  if (expected.length !== KEY_LENGTH) return false;
  const actual = await derive(secret, Buffer.from(parts[4]!, 'base64url'), { log2N, r, p });
  return timingSafeEqual(actual, expected);
}
