import { EnvValidationError } from '@gatehouse/config';
import { describe, expect, it } from 'vitest';
import { loadApiEnv } from './env.js';

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
    });
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
});
