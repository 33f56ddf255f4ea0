import { commonEnvShape, databaseEnvShape, envBoolean, envOptionalBoolean, envPort, envPositiveInt, parseEnv } from '@gatehouse/config';
import { telemetryEnvShape } from '@gatehouse/telemetry';
import { z } from 'zod';
import type { AppOptions } from './app.js';
import { DEFAULT_GRAPHQL_LIMITS } from './graphql/armor.js';
import { DEFAULT_RATE_LIMITS } from './http/rate-limit.js';
import { RATE_LIMIT_STORES } from './http/rate-limit-store.js';

/** The API's whole configuration, parsed once at start; nothing else reads process.env. */
export const apiEnvSchema = z.object({
  ...commonEnvShape,
  ...databaseEnvShape,
  // /metrics access and OpenTelemetry tracing (docs/observability.md).
  ...telemetryEnvShape,
  /** Connection string of the schema owner, for migrations; unset: DATABASE_URL. */
  DATABASE_MIGRATION_URL: databaseEnvShape.DATABASE_URL,
  API_HOST: z.string().default('127.0.0.1'),
  API_PORT: envPort(4000),
  /** Seed the demo workflows and runs on start (development default). */
  SEED_DEMO_DATA: envBoolean(true),
  /** Seed the per-role development principals and their fixed API keys. Never in production. */
  SEED_DEV_PRINCIPALS: envBoolean(true),
  /** Largest accepted request body, in kilobytes. */
  API_BODY_LIMIT_KB: envPositiveInt(512),
  /** How long SIGTERM waits for in-flight requests before closing anyway. */
  SHUTDOWN_GRACE_MS: envPositiveInt(10_000),
  /** How often cost per run is checked against each workflow's baseline (cost drift alerts); 0 disables. */
  COST_DRIFT_CHECK_INTERVAL_MS: z.coerce.number({ message: 'must be a number' }).int('must be a whole number').min(0, 'must be 0 (off) or more').default(60_000),
  /** How often the metrics rollups are brought up to date (reads are exact either way); 0 disables. */
  METRICS_REFRESH_INTERVAL_MS: z.coerce.number({ message: 'must be a number' }).int('must be a whole number').min(0, 'must be 0 (off) or more').default(5_000),
  /** Payloads (inputs, outputs, traces, proposals) of runs finished longer ago than this are purged; 0 keeps them forever (docs/security.md). */
  PAYLOAD_RETENTION_DAYS: z.coerce.number({ message: 'must be a number' }).min(0, 'must be 0 (keep forever) or more').default(90),
  /** How often the payload retention job runs; 0 disables it. */
  PAYLOAD_RETENTION_INTERVAL_MS: z.coerce.number({ message: 'must be a number' }).int('must be a whole number').min(0, 'must be 0 (off) or more').default(3_600_000),
  // GraphQL document limits (graphql/armor.ts; docs/security.md).
  API_GRAPHQL_MAX_DEPTH: envPositiveInt(DEFAULT_GRAPHQL_LIMITS.maxDepth),
  API_GRAPHQL_MAX_ALIASES: envPositiveInt(DEFAULT_GRAPHQL_LIMITS.maxAliases),
  API_GRAPHQL_MAX_TOKENS: envPositiveInt(DEFAULT_GRAPHQL_LIMITS.maxTokens),
  API_GRAPHQL_MAX_DIRECTIVES: envPositiveInt(DEFAULT_GRAPHQL_LIMITS.maxDirectives),
  API_GRAPHQL_MAX_COST: envPositiveInt(DEFAULT_GRAPHQL_LIMITS.maxCost),
  // Rate limits (http/rate-limit.ts): requests per window; 0 turns one off.
  API_RATE_LIMIT_WINDOW_SECONDS: envPositiveInt(DEFAULT_RATE_LIMITS.windowSeconds),
  API_RATE_LIMIT_PER_KEY: envCount(DEFAULT_RATE_LIMITS.perKey),
  API_RATE_LIMIT_PER_IP: envCount(DEFAULT_RATE_LIMITS.perIp),
  /** Where those limits and the sign-in lockout count: memory (per process) or postgres (shared by all replicas; docs/deployment.md). */
  API_RATE_LIMIT_STORE: z.enum(RATE_LIMIT_STORES).default('memory'),
  // Authentication (docs/security.md, "Authentication").
  /** A console session ends this many minutes after sign-in. */
  SESSION_TTL_MINUTES: envPositiveInt(12 * 60),
  /** A console session unused this many minutes ends. */
  SESSION_IDLE_MINUTES: envPositiveInt(30),
  /** Accept OIDC bearer tokens from this issuer (exact `iss`); unset: OIDC off. Needs OIDC_AUDIENCE. */
  OIDC_ISSUER: z.url({ message: 'must be a URL' }).optional(),
  /** The `aud` tokens must carry (this API's client id at the issuer). */
  OIDC_AUDIENCE: z.string().min(1).optional(),
  /** The issuer's JWKS; unset: discovered from OIDC_ISSUER/.well-known/openid-configuration. */
  OIDC_JWKS_URL: z.url({ message: 'must be a URL' }).optional(),
  /** Proxies in front of the API whose X-Forwarded-For is trusted for the client IP (Express "trust proxy" hops); 0: use the socket address. */
  API_TRUST_PROXY_HOPS: envCount(0),
  /** Webhook subscriptions may target private and loopback addresses; default: yes outside production, no in production (SSRF). */
  WEBHOOK_ALLOW_PRIVATE_TARGETS: envOptionalBoolean(),
});

function envCount(defaultValue: number) {
  return z.coerce.number({ message: 'must be a number' }).int('must be a whole number').min(0, 'must be 0 or more').default(defaultValue);
}

export type ApiEnv = z.infer<typeof apiEnvSchema>;

export function loadApiEnv(source: Record<string, string | undefined> = process.env): ApiEnv {
  const env = parseEnv(apiEnvSchema, source);
  if (env.NODE_ENV === 'production' && env.SEED_DEV_PRINCIPALS) {
    throw new Error('Invalid environment: SEED_DEV_PRINCIPALS must be false when NODE_ENV=production (development keys are public).');
  }
  if (Boolean(env.OIDC_ISSUER) !== Boolean(env.OIDC_AUDIENCE)) {
    throw new Error('Invalid environment: OIDC_ISSUER and OIDC_AUDIENCE must be set together (a token is checked for both).');
  }
  return env;
}

/** Who may sign in how: development keys only outside production; sessions Secure in production. */
export function authenticationOptions(env: ApiEnv): Pick<AppOptions, 'allowDevelopmentKeys' | 'sessions' | 'oidc'> {
  const production = env.NODE_ENV === 'production';
  return {
    allowDevelopmentKeys: !production,
    sessions: { ttlMinutes: env.SESSION_TTL_MINUTES, idleMinutes: env.SESSION_IDLE_MINUTES, secureCookie: production },
    oidc: env.OIDC_ISSUER && env.OIDC_AUDIENCE ? { issuer: env.OIDC_ISSUER, audience: env.OIDC_AUDIENCE, ...(env.OIDC_JWKS_URL ? { jwksUrl: env.OIDC_JWKS_URL } : {}) } : null,
  };
}

/** The hardening settings of createApp, from the environment (production turns off introspection and suggestions). */
export function hardeningOptions(env: ApiEnv): Pick<AppOptions, 'bodyLimitKb' | 'introspection' | 'fieldSuggestions' | 'graphqlLimits' | 'rateLimits' | 'rateLimitStore' | 'trustProxyHops'> {
  const production = env.NODE_ENV === 'production';
  return {
    bodyLimitKb: env.API_BODY_LIMIT_KB,
    introspection: !production,
    fieldSuggestions: !production,
    graphqlLimits: {
      maxDepth: env.API_GRAPHQL_MAX_DEPTH,
      maxAliases: env.API_GRAPHQL_MAX_ALIASES,
      maxTokens: env.API_GRAPHQL_MAX_TOKENS,
      maxDirectives: env.API_GRAPHQL_MAX_DIRECTIVES,
      maxCost: env.API_GRAPHQL_MAX_COST,
    },
    rateLimits: { windowSeconds: env.API_RATE_LIMIT_WINDOW_SECONDS, perKey: env.API_RATE_LIMIT_PER_KEY, perIp: env.API_RATE_LIMIT_PER_IP },
    rateLimitStore: env.API_RATE_LIMIT_STORE,
    trustProxyHops: env.API_TRUST_PROXY_HOPS,
  };
}

/** Where webhook subscriptions may point: production refuses private and loopback targets unless WEBHOOK_ALLOW_PRIVATE_TARGETS says otherwise. */
export function webhookTargetOptions(env: ApiEnv): Pick<AppOptions, 'webhookTargets'> {
  return { webhookTargets: { allowPrivate: env.WEBHOOK_ALLOW_PRIVATE_TARGETS ?? env.NODE_ENV !== 'production' } };
}
