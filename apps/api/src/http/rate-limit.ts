import { createHash } from 'node:crypto';
import type express from 'express';
import { RateLimiterRes } from 'rate-limiter-flexible';
import { apiKeyFromHeaders } from '../identity/api-key-headers.js';
import { createLimiter, type RateLimitStore } from './rate-limit-store.js';

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

/**
 * Express middleware for /graphql, before the body is read: a flood costs a map lookup, not a
 * JSON parse (with the postgres store: one upsert per limiter until the key is over its limit,
 * then a map lookup too). The IP is counted first (it also covers floods of made-up
 * keys), then the key as presented — hashed, so no secret is kept as a map key. Refusals are
 * HTTP 429 with Retry-After and a GraphQL-shaped body with extensions.code RATE_LIMITED.
 */
export function rateLimit(limits: RateLimits, store: RateLimitStore = { kind: 'memory' }): express.RequestHandler {
  const byIp = limits.perIp > 0 ? createLimiter(store, { keyPrefix: 'ip', points: limits.perIp, durationSeconds: limits.windowSeconds }) : null;
  const byKey = limits.perKey > 0 ? createLimiter(store, { keyPrefix: 'key', points: limits.perKey, durationSeconds: limits.windowSeconds }) : null;
  return async (req, res, next) => {
    try {
      if (byIp) await byIp.consume(req.ip ?? req.socket.remoteAddress ?? 'unknown');
      const key = byKey ? apiKeyFromHeaders(req.headers) : null;
      if (byKey && key) await byKey.consume(createHash('sha256').update(key).digest('base64url'));
      next();
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) {
        next(rejection);
        return;
      }
      const retryAfterSeconds = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
      res.setHeader('retry-after', String(retryAfterSeconds));
      res.status(429).json({
        errors: [
          {
            message: `Too many requests; retry after ${retryAfterSeconds} s.`,
            extensions: { code: 'RATE_LIMITED', retryAfterSeconds },
          },
        ],
      });
    }
  };
}
