import { createHash } from 'node:crypto';
import type express from 'express';
import type http from 'node:http';
import { RateLimiterRes } from 'rate-limiter-flexible';
import { apiKeyFromHeaders } from '../identity/api-key-headers.js';
import type { ClientIp } from './client-ip.js';
import { createLimiter, type RateLimitStore } from './rate-limit-store.js';
import { sendJson } from './send-json.js';

/**
 * Requests allowed per window, per API key and per client IP. 0 turns that limit off.
 * Fixed windows (rate-limiter-flexible). With the memory store each API process counts on its
 * own, so N replicas behind a load balancer allow N times the limit; the postgres store
 * (rate-limit-store.ts) counts once for all of them (docs/deployment.md).
 */
export interface RateLimits {
  windowSeconds: number;
  perKey: number;
  perIp: number;
}

/**
 * Generous enough for `pnpm bench` (200 startRun/s on one key, bursty) and the console;
 * an integrator that needs more raises API_RATE_LIMIT_PER_KEY.
 */
export const DEFAULT_RATE_LIMITS: RateLimits = { windowSeconds: 10, perKey: 3_000, perIp: 6_000 };

/** Seconds until the caller may try again, or null: the request may go on. */
export type RateLimitCheck = (req: http.IncomingMessage, clientIp: string) => Promise<number | null>;

/**
 * Checked before the body is read: a flood costs a map lookup, not a JSON parse (with the
 * postgres store: one upsert per limiter until the key is over its limit, then a map lookup too).
 * The IP is counted first (it also covers floods of made-up keys), then the key as presented —
 * hashed, so no secret is kept as a map key.
 */
export function createRateLimitCheck(limits: RateLimits, store: RateLimitStore = { kind: 'memory' }): RateLimitCheck {
  const byIp = limits.perIp > 0 ? createLimiter(store, { keyPrefix: 'ip', points: limits.perIp, durationSeconds: limits.windowSeconds }) : null;
  const byKey = limits.perKey > 0 ? createLimiter(store, { keyPrefix: 'key', points: limits.perKey, durationSeconds: limits.windowSeconds }) : null;
  return async (req, clientIp) => {
    try {
      if (byIp) await byIp.consume(clientIp);
      const key = byKey ? apiKeyFromHeaders(req.headers) : null;
      if (byKey && key) await byKey.consume(createHash('sha256').update(key).digest('base64url'));
      return null;
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      return Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
    }
  };
}

/** The refusal: HTTP 429 with Retry-After and a GraphQL-shaped body with extensions.code RATE_LIMITED. */
export function sendRateLimited(res: http.ServerResponse, retryAfterSeconds: number): void {
  res.setHeader('retry-after', String(retryAfterSeconds));
  sendJson(res, 429, { errors: [{ message: `Too many requests; retry after ${retryAfterSeconds} s.`, extensions: { code: 'RATE_LIMITED', retryAfterSeconds } }] });
}

/** The same check as Express middleware, for the routes Express serves (/auth, /runs). */
export function rateLimit(check: RateLimitCheck, clientIp: ClientIp): express.RequestHandler {
  return (req, res, next) => {
    check(req, clientIp(req)).then((retryAfter) => (retryAfter === null ? next() : sendRateLimited(res, retryAfter)), next);
  };
}
