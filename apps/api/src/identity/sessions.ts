import { isRole, type Role } from '@gatehouse/domain';
import { createHash, randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { Principal } from '../graphql/context.js';

export const SESSION_COOKIE = 'gh_session';
/**
 * The cookie's name with secure cookies (production): the `__Host-` prefix makes browsers accept
 * it only when Secure, on Path=/ and without a Domain, so neither a sibling subdomain nor a plain
 * HTTP response can plant or overwrite it. Development over http keeps the plain name.
 */
export const SECURE_SESSION_COOKIE = `__Host-${SESSION_COOKIE}`;

export function sessionCookieName(policy: Pick<SessionPolicy, 'secureCookie'>): string {
  return policy.secureCookie ? SECURE_SESSION_COOKIE : SESSION_COOKIE;
}

export interface SessionPolicy {
  /** A session ends this long after sign-in, whatever its use. */
  ttlMinutes: number;
  /** A session unused this long ends. */
  idleMinutes: number;
  /** Secure cookies (HTTPS only): on in production. */
  secureCookie: boolean;
}

export const DEFAULT_SESSION_POLICY: SessionPolicy = { ttlMinutes: 12 * 60, idleMinutes: 30, secureCookie: false };

/** 256 random bits: a fast digest is enough to make a stolen table useless. */
function digest(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('base64url');
}

export async function createSession(ds: DataSource, principalId: string, policy: SessionPolicy): Promise<{ id: string; token: string; expiresAt: Date }> {
  const token = randomBytes(32).toString('base64url');
  const [row] = await ds.query(`INSERT INTO sessions (token_hash, principal_id, expires_at) VALUES ($1, $2, now() + make_interval(mins => $3)) RETURNING id, expires_at`, [
    digest(token),
    principalId,
    policy.ttlMinutes,
  ]);
  return { id: row.id, token, expiresAt: row.expires_at };
}

/** The principal of a live session: not revoked, not expired, used within the idle timeout, principal enabled. */
export async function authenticateSession(ds: DataSource, token: string, policy: SessionPolicy): Promise<Principal | null> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
  const rows: Array<{ session_id: string; stale: boolean; id: string; name: string; email: string; role: Role }> = await ds.query(
    `SELECT s.id AS session_id, s.last_seen_at < now() - interval '1 minute' AS stale, p.id, p.name, p.email, p.role
       FROM sessions s JOIN principals p ON p.id = s.principal_id
      WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > now()
        AND s.last_seen_at > now() - make_interval(mins => $2) AND p.disabled_at IS NULL`,
    [digest(token), policy.idleMinutes],
  );
  const row = rows[0];
  if (!row || !isRole(row.role)) return null;
  // Idle time is tracked to the minute, so most requests do not write.
  if (row.stale) await ds.query(`UPDATE sessions SET last_seen_at = now() WHERE id = $1`, [row.session_id]);
  return { id: row.id, name: row.name, email: row.email, role: row.role, via: 'session', sessionId: row.session_id };
}

export async function revokeSession(ds: DataSource, token: string): Promise<boolean> {
  const rows: unknown[] = await ds.query(`UPDATE sessions SET revoked_at = now() WHERE token_hash = $1 AND revoked_at IS NULL RETURNING id`, [digest(token)]);
  return rows.length > 0;
}

/** Ends every session of a principal (password changed, principal disabled: then inside its transaction). */
export async function revokeSessionsOf(ds: Pick<DataSource, 'query'>, principalId: string, exceptSessionId?: string): Promise<void> {
  await ds.query(`UPDATE sessions SET revoked_at = now() WHERE principal_id = $1 AND revoked_at IS NULL AND ($2::uuid IS NULL OR id <> $2::uuid)`, [principalId, exceptSessionId ?? null]);
}

/** The value of one cookie from a Cookie header (no library: one name, no attributes to parse). */
export function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim() || null;
  }
  return null;
}

export function sessionCookie(token: string, policy: SessionPolicy): string {
  return [`${sessionCookieName(policy)}=${token}`, 'Path=/', 'HttpOnly', 'SameSite=Strict', `Max-Age=${policy.ttlMinutes * 60}`, ...(policy.secureCookie ? ['Secure'] : [])].join('; ');
}

export function clearedSessionCookie(policy: SessionPolicy): string {
  return [`${sessionCookieName(policy)}=`, 'Path=/', 'HttpOnly', 'SameSite=Strict', 'Max-Age=0', ...(policy.secureCookie ? ['Secure'] : [])].join('; ');
}
