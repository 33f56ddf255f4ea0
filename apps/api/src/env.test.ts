import { EnvValidationError } from '@gatehouse/config';
import { describe, expect, it } from 'vitest';
import { authenticationOptions, hardeningOptions, loadApiEnv, webhookTargetOptions } from './env.js';

describe('loadApiEnv', () => {
  it('has development defaults for everything', () => {
    expect(loadApiEnv({})).toEqual({
      NODE_ENV: 'development',
      LOG_LEVEL: 'info',
      GATEHOUSE_PG_PORT: 5433,
      DATABASE_POOL_SIZE: 10,
      API_HOST: '127.0.0.1',
      API_PORT: 4000,
      SEED_DEMO_DATA: true,
      SEED_DEV_PRINCIPALS: true,
      API_BODY_LIMIT_KB: 512,
      SHUTDOWN_GRACE_MS: 10_000,
      COST_DRIFT_CHECK_INTERVAL_MS: 60_000,
      METRICS_REFRESH_INTERVAL_MS: 5_000,
      PAYLOAD_RETENTION_DAYS: 90,
      PAYLOAD_RETENTION_INTERVAL_MS: 3_600_000,
      API_GRAPHQL_MAX_DEPTH: 12,
      API_GRAPHQL_MAX_ALIASES: 30,
      API_GRAPHQL_MAX_TOKENS: 2_000,
      API_GRAPHQL_MAX_DIRECTIVES: 50,
      API_GRAPHQL_MAX_COST: 50_000,
      API_RATE_LIMIT_WINDOW_SECONDS: 10,
      API_RATE_LIMIT_PER_KEY: 3_000,
      API_RATE_LIMIT_PER_IP: 6_000,
      API_RATE_LIMIT_STORE: 'memory',
      API_TRUST_PROXY_HOPS: 0,
      SESSION_TTL_MINUTES: 720,
      SESSION_IDLE_MINUTES: 30,
      // Tracing is off without OTEL_EXPORTER_OTLP_ENDPOINT; these only shape it when on.
      OTEL_TRACES_SAMPLER_ARG: 1,
      OTEL_BSP_SCHEDULE_DELAY: 5000,
    });
  });

  it('authentication: development keys and plain-HTTP cookies only outside production; OIDC when configured', () => {
    expect(authenticationOptions(loadApiEnv({}))).toEqual({ allowDevelopmentKeys: true, sessions: { ttlMinutes: 720, idleMinutes: 30, secureCookie: false }, oidc: null });
    const production = loadApiEnv({
      NODE_ENV: 'production',
      SEED_DEV_PRINCIPALS: 'false',
      SESSION_IDLE_MINUTES: '15',
      OIDC_ISSUER: 'https://id.example.com/',
      OIDC_AUDIENCE: 'gatehouse',
    });
    expect(authenticationOptions(production)).toEqual({
      allowDevelopmentKeys: false,
      sessions: { ttlMinutes: 720, idleMinutes: 15, secureCookie: true },
      oidc: { issuer: 'https://id.example.com/', audience: 'gatehouse' },
    });
    expect(authenticationOptions(loadApiEnv({ OIDC_ISSUER: 'https://id.example.com', OIDC_AUDIENCE: 'g', OIDC_JWKS_URL: 'https://id.example.com/keys' })).oidc?.jwksUrl).toBe('https://id.example.com/keys');
    expect(() => loadApiEnv({ OIDC_ISSUER: 'https://id.example.com' })).toThrow(/OIDC_AUDIENCE/);
    expect(() => loadApiEnv({ OIDC_ISSUER: 'not a url', OIDC_AUDIENCE: 'g' })).toThrow(/OIDC_ISSUER/);
  });

  it('turns the GraphQL limits and rate limits into createApp options; production hides introspection and suggestions', () => {
    const env = loadApiEnv({ API_GRAPHQL_MAX_DEPTH: '8', API_GRAPHQL_MAX_COST: '1000', API_RATE_LIMIT_PER_KEY: '0', API_RATE_LIMIT_WINDOW_SECONDS: '60', API_TRUST_PROXY_HOPS: '1', API_BODY_LIMIT_KB: '64' });
    expect(hardeningOptions(env)).toEqual({
      bodyLimitKb: 64,
      introspection: true,
      fieldSuggestions: true,
      graphqlLimits: { maxDepth: 8, maxAliases: 30, maxTokens: 2_000, maxDirectives: 50, maxCost: 1000 },
      rateLimits: { windowSeconds: 60, perKey: 0, perIp: 6_000 },
      rateLimitStore: 'memory',
      trustProxyHops: 1,
    });
    // Several replicas share their counters in PostgreSQL (docs/deployment.md).
    expect(hardeningOptions(loadApiEnv({ API_RATE_LIMIT_STORE: 'postgres' })).rateLimitStore).toBe('postgres');
    expect(() => loadApiEnv({ API_RATE_LIMIT_STORE: 'redis' })).toThrow(/API_RATE_LIMIT_STORE/);
    expect(hardeningOptions(loadApiEnv({ NODE_ENV: 'production', SEED_DEV_PRINCIPALS: 'false' }))).toMatchObject({ introspection: false, fieldSuggestions: false });
  });

  it('refuses limits that would switch a protection off by accident', () => {
    expect(() => loadApiEnv({ API_GRAPHQL_MAX_DEPTH: '0' })).toThrow(/API_GRAPHQL_MAX_DEPTH/);
    expect(() => loadApiEnv({ API_RATE_LIMIT_PER_IP: '-5' })).toThrow(/API_RATE_LIMIT_PER_IP: must be 0 or more/);
    expect(() => loadApiEnv({ API_RATE_LIMIT_WINDOW_SECONDS: '0' })).toThrow(/API_RATE_LIMIT_WINDOW_SECONDS/);
  });

  it('accepts 0 to keep payloads forever and refuses a negative retention', () => {
    expect(loadApiEnv({ PAYLOAD_RETENTION_DAYS: '0' }).PAYLOAD_RETENTION_DAYS).toBe(0);
    expect(() => loadApiEnv({ PAYLOAD_RETENTION_DAYS: '-1' })).toThrow(/PAYLOAD_RETENTION_DAYS/);
  });

  it('accepts 0 to disable the cost drift check and refuses negative intervals', () => {
    expect(loadApiEnv({ COST_DRIFT_CHECK_INTERVAL_MS: '0' }).COST_DRIFT_CHECK_INTERVAL_MS).toBe(0);
    expect(() => loadApiEnv({ COST_DRIFT_CHECK_INTERVAL_MS: '-1' })).toThrow(/COST_DRIFT_CHECK_INTERVAL_MS/);
  });

  it('parses strings into numbers and booleans; an empty value counts as unset', () => {
    const env = loadApiEnv({
      DATABASE_URL: 'postgres://gatehouse@db:5432/gatehouse',
      API_PORT: '8080',
      API_HOST: '0.0.0.0',
      SEED_DEMO_DATA: 'no',
      SEED_DEV_PRINCIPALS: 'FALSE',
      API_BODY_LIMIT_KB: '64',
      LOG_LEVEL: '',
    });
    expect(env).toMatchObject({
      DATABASE_URL: 'postgres://gatehouse@db:5432/gatehouse',
      API_PORT: 8080,
      API_HOST: '0.0.0.0',
      SEED_DEMO_DATA: false,
      SEED_DEV_PRINCIPALS: false,
      API_BODY_LIMIT_KB: 64,
      LOG_LEVEL: 'info',
    });
  });

  it('refuses production with the public development keys, naming SEED_DEV_PRINCIPALS', () => {
    expect(() => loadApiEnv({ NODE_ENV: 'production' })).toThrow(/SEED_DEV_PRINCIPALS must be false when NODE_ENV=production/);
    expect(() => loadApiEnv({ NODE_ENV: 'production', SEED_DEV_PRINCIPALS: 'true' })).toThrow(/SEED_DEV_PRINCIPALS/);
    expect(loadApiEnv({ NODE_ENV: 'production', SEED_DEV_PRINCIPALS: 'false' })).toMatchObject({ NODE_ENV: 'production', SEED_DEV_PRINCIPALS: false });
  });

  it('takes an optional owner connection string for migrations and names a malformed one', () => {
    expect(loadApiEnv({ DATABASE_MIGRATION_URL: 'postgres://owner:pw@db/gatehouse' }).DATABASE_MIGRATION_URL).toBe('postgres://owner:pw@db/gatehouse');
    expect(loadApiEnv({}).DATABASE_MIGRATION_URL).toBeUndefined();
    expect(() => loadApiEnv({ DATABASE_MIGRATION_URL: 'mysql://owner@db' })).toThrow(/DATABASE_MIGRATION_URL.*postgres:\/\//);
  });

  it('names a bad API_PORT and says what is wrong', () => {
    expect(() => loadApiEnv({ API_PORT: 'http' })).toThrow(/API_PORT: must be a number/);
    expect(() => loadApiEnv({ API_PORT: '70000' })).toThrow(/API_PORT: must be between 0 and 65535/);
    expect(() => loadApiEnv({ API_PORT: '80.5' })).toThrow(/API_PORT: must be a whole number/);
  });

  it('names every bad variable at once', () => {
    let thrown: unknown;
    try {
      loadApiEnv({ API_PORT: '-1', SEED_DEMO_DATA: 'maybe', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'chatty' });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(EnvValidationError);
    expect((thrown as EnvValidationError).issues.map((i) => i.variable).sort()).toEqual(['API_PORT', 'DATABASE_URL', 'LOG_LEVEL', 'SEED_DEMO_DATA']);
  });

  it('allows private webhook targets outside production only, unless WEBHOOK_ALLOW_PRIVATE_TARGETS says otherwise', () => {
    const prod = { NODE_ENV: 'production', SEED_DEV_PRINCIPALS: 'false' };
    expect(webhookTargetOptions(loadApiEnv({}))).toEqual({ webhookTargets: { allowPrivate: true } });
    expect(webhookTargetOptions(loadApiEnv(prod))).toEqual({ webhookTargets: { allowPrivate: false } });
    expect(webhookTargetOptions(loadApiEnv({ ...prod, WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' }))).toEqual({ webhookTargets: { allowPrivate: true } });
    expect(webhookTargetOptions(loadApiEnv({ WEBHOOK_ALLOW_PRIVATE_TARGETS: 'no' }))).toEqual({ webhookTargets: { allowPrivate: false } });
    expect(() => loadApiEnv({ WEBHOOK_ALLOW_PRIVATE_TARGETS: 'maybe' })).toThrow(/WEBHOOK_ALLOW_PRIVATE_TARGETS/);
  });
});
