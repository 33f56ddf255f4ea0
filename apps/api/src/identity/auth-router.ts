import { appendAuditEvent } from '@gatehouse/db';
import { isDomainError } from '@gatehouse/domain';
import express from 'express';
import type { DataSource } from 'typeorm';
import type { Principal } from '../graphql/context.js';
import { createLimiter, type RateLimitStore } from '../http/rate-limit-store.js';
import type { Logger } from '../logger.js';
import type { RequestAuthenticator } from './authenticate-request.js';
import { DEV_PRINCIPALS } from '../seed/dev-principals.js';
import { BearerTokenError, type OidcConfig } from './oidc.js';
import { assertAcceptablePassword, hashPassword, verifyPassword } from './password.js';
import { clearedSessionCookie, createSession, readCookie, revokeSession, revokeSessionsOf, sessionCookie, sessionCookieName, type SessionPolicy } from './sessions.js';

export interface AuthRouterOptions {
  dataSource: DataSource;
  logger: Logger;
  authenticate: RequestAuthenticator;
  sessions: SessionPolicy;
  developmentKeys: boolean;
  oidc: OidcConfig | null;
  /** Where failed sign-ins are counted: shared by all replicas with the postgres store. */
  rateLimitStore?: RateLimitStore;
}

/** The one answer to every failed sign-in, whether the email exists or not. */
const SIGN_IN_FAILED = 'Email or password is incorrect.';
/** Failed sign-ins per email (known or not) before it is locked for the window. */
const FAILURES_PER_EMAIL = 5;
const FAILURE_WINDOW_SECONDS = 15 * 60;
/** The development principals' password is public (README): like their keys, refused outside development. */
const DEV_PRINCIPAL_IDS = new Set(DEV_PRINCIPALS.map((p) => p.id));

/**
 * Console sign-in over plain HTTP, outside GraphQL: these run before there is a principal, which
 * the GraphQL gate requires for every operation.
 *   GET  /auth/config    what sign-in methods this deployment offers (the console asks first)
 *   POST /auth/sign-in   {email, password} → session cookie
 *   POST /auth/sign-out  revokes the cookie's session
 *   POST /auth/password  {currentPassword, newPassword} for yourself, or {email, newPassword} as an admin
 * CSRF: every POST must be application/json (a cross-site form cannot send that without a CORS
 * preflight, which this API never grants) and is refused when the browser says it is cross-site.
 */
export function authRouter(options: AuthRouterOptions): express.Router {
  const { dataSource: ds, sessions } = options;
  const failures = createLimiter(options.rateLimitStore ?? { kind: 'memory' }, { keyPrefix: 'sign-in', points: FAILURES_PER_EMAIL, durationSeconds: FAILURE_WINDOW_SECONDS });
  const router = express.Router();

  router.get('/config', (_req, res) => {
    res.json({ developmentKeys: options.developmentKeys, passwordSignIn: true, oidc: options.oidc ? { issuer: options.oidc.issuer, audience: options.oidc.audience } : null });
  });

  router.use((req, res, next) => {
    if (req.method !== 'POST') return next();
    if (!req.is('application/json')) return fail(res, 415, 'BAD_REQUEST', 'Send the request as application/json.');
    if (req.headers['sec-fetch-site'] === 'cross-site') return fail(res, 403, 'FORBIDDEN', 'Cross-site requests are refused.');
    next();
  });
  router.use(express.json({ limit: '8kb' }));

  router.post('/sign-in', async (req, res) => {
    const { email, password } = (req.body ?? {}) as { email?: unknown; password?: unknown };
    if (typeof email !== 'string' || typeof password !== 'string' || !email.trim() || !password) {
      return fail(res, 400, 'BAD_USER_INPUT', 'Send {"email": …, "password": …}.');
    }
    const normalized = email.trim().toLowerCase();
    // A point is taken BEFORE the (slow) check, so parallel guesses cannot all pass the limit
    // before any failure is counted; a successful sign-in clears the count.
    try {
      await failures.consume(normalized);
    } catch (rejected) {
      const msBeforeNext = (rejected as { msBeforeNext?: number }).msBeforeNext ?? FAILURE_WINDOW_SECONDS * 1000;
      res.setHeader('retry-after', String(Math.ceil(msBeforeNext / 1000)));
      return fail(res, 429, 'RATE_LIMITED', 'Too many failed sign-ins for this email; try again later.');
    }
    const [found] = await ds.query(`SELECT id, name, email, role, password_hash FROM principals WHERE lower(email) = $1 AND disabled_at IS NULL`, [normalized]);
    const row = found && !options.developmentKeys && DEV_PRINCIPAL_IDS.has(found.id) ? undefined : found;
    const ok = await verifyPassword(password, row?.password_hash ?? null);
    if (!row || !ok) {
      // A small, jittered delay on every failure slows guessing without a lockout oracle.
      await new Promise((resolve) => setTimeout(resolve, 150 + Math.random() * 150));
      return fail(res, 401, 'UNAUTHENTICATED', SIGN_IN_FAILED);
    }
    await failures.delete(normalized);
    // Rotation: whatever session this browser held before ends here, server-side, rather than
    // staying valid (until idle) behind a cookie nobody holds any more (a shared machine, a
    // switch of account).
    const previous = readCookie(req.headers.cookie, sessionCookieName(sessions));
    if (previous) await revokeSession(ds, previous);
    const session = await createSession(ds, row.id, sessions);
    res.setHeader('set-cookie', sessionCookie(session.token, sessions));
    res.json({ principal: { id: row.id, name: row.name, email: row.email, role: row.role }, expiresAt: session.expiresAt });
  });

  router.post('/sign-out', async (req, res) => {
    const token = readCookie(req.headers.cookie, sessionCookieName(sessions));
    const revoked = token ? await revokeSession(ds, token) : false;
    res.setHeader('set-cookie', clearedSessionCookie(sessions));
    res.json({ signedOut: revoked });
  });

  router.post('/password', async (req, res) => {
    let caller: Principal | null;
    try {
      caller = await options.authenticate(req.headers);
    } catch (error) {
      if (error instanceof BearerTokenError) return fail(res, 401, 'UNAUTHENTICATED', error.message);
      throw error;
    }
    if (!caller) return fail(res, 401, 'UNAUTHENTICATED', 'Sign in first.');
    // A key limited to some workflows must not reach identity operations (nor, through another
    // principal's password, everything else).
    if (caller.workflowScope) return fail(res, 403, 'FORBIDDEN', 'A workflow-scoped API key cannot change passwords.');
    const { email, currentPassword, newPassword } = (req.body ?? {}) as { email?: unknown; currentPassword?: unknown; newPassword?: unknown };
    try {
      assertAcceptablePassword(newPassword);
    } catch (error) {
      if (isDomainError(error)) return fail(res, 400, 'BAD_USER_INPUT', error.message);
      throw error;
    }
    const targetEmail = typeof email === 'string' && email.trim() ? email.trim().toLowerCase() : caller.email.toLowerCase();
    const forSelf = targetEmail === caller.email.toLowerCase();
    // Setting someone else's password is an admin's job (like issuing their API keys); your own
    // needs the current one, so a borrowed session cannot lock its owner out.
    if (!forSelf && caller.role !== 'admin') return fail(res, 403, 'FORBIDDEN', "Only an admin may set another principal's password.");
    const [target] = await ds.query(`SELECT id, password_hash FROM principals WHERE lower(email) = $1 AND disabled_at IS NULL`, [targetEmail]);
    if (!target) return fail(res, 404, 'NOT_FOUND', `No active principal with email ${targetEmail}.`);
    if (forSelf) {
      // Checking the current password is a password oracle: it counts against the same per-email
      // limit as sign-in, so a borrowed session cannot guess its owner's password here instead.
      try {
        await failures.consume(targetEmail);
      } catch (rejected) {
        const msBeforeNext = (rejected as { msBeforeNext?: number }).msBeforeNext ?? FAILURE_WINDOW_SECONDS * 1000;
        res.setHeader('retry-after', String(Math.ceil(msBeforeNext / 1000)));
        return fail(res, 429, 'RATE_LIMITED', 'Too many wrong passwords for this account; try again later.');
      }
      if (!(typeof currentPassword === 'string' && (await verifyPassword(currentPassword, target.password_hash)))) {
        return fail(res, 403, 'FORBIDDEN', 'The current password is incorrect.');
      }
      await failures.delete(targetEmail);
    }
    const hash = await hashPassword(newPassword);
    await ds.transaction(async (tx) => {
      await tx.query(`UPDATE principals SET password_hash = $2, password_changed_at = now() WHERE id = $1`, [target.id, hash]);
      await appendAuditEvent(tx, {
        actorId: caller.id,
        actorRole: caller.role,
        action: forSelf ? 'principal.password_changed' : 'principal.password_set',
        subjectType: 'principal',
        subjectId: target.id,
        data: { by: forSelf ? 'self' : 'admin' },
      });
    });
    // Other sign-ins end: a password change is often a response to a suspected compromise.
    await revokeSessionsOf(ds, target.id, forSelf ? caller.sessionId : undefined);
    res.json({ passwordChanged: true });
  });

  router.use((err: Error & { status?: number }, _req: express.Request, res: express.Response, next: express.NextFunction) => {
    if (res.headersSent) return next(err);
    if (err.status && err.status >= 400 && err.status < 500) return fail(res, err.status, 'BAD_REQUEST', `Bad request: ${err.message}`);
    options.logger.error({ err }, 'unhandled error in /auth');
    fail(res, 500, 'INTERNAL_SERVER_ERROR', 'Internal error.');
  });
  return router;
}

function fail(res: express.Response, status: number, code: string, message: string): void {
  res.status(status).json({ error: { code, message } });
}
