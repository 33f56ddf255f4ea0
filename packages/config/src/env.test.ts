import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  EnvValidationError,
  commonEnvShape,
  databaseEnvShape,
  envBoolean,
  envPort,
  parseEnv,
} from './env.js';

const schema = z.object({
  ...commonEnvShape,
  ...databaseEnvShape,
  PORT: envPort(4000),
  SEED: envBoolean(true),
});

describe('parseEnv', () => {
  it('applies defaults when variables are unset or empty', () => {
    const env = parseEnv(schema, { PORT: '', SEED: undefined });
    expect(env.PORT).toBe(4000);
    expect(env.SEED).toBe(true);
    expect(env.NODE_ENV).toBe('development');
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.GATEHOUSE_PG_PORT).toBe(5433);
  });

  it('coerces and normalises values', () => {
    const env = parseEnv(schema, { PORT: '8080', SEED: 'No', LOG_LEVEL: 'debug' });
    expect(env.PORT).toBe(8080);
    expect(env.SEED).toBe(false);
    expect(env.LOG_LEVEL).toBe('debug');
  });

  it('names every bad variable at once', () => {
    let caught: unknown;
    try {
      parseEnv(schema, { PORT: 'eighty', DATABASE_URL: 'mysql://x', SEED: 'maybe' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(EnvValidationError);
    const err = caught as EnvValidationError;
    expect(err.issues.map((i) => i.variable).sort()).toEqual(['DATABASE_URL', 'PORT', 'SEED']);
    expect(err.message).toContain('DATABASE_URL: must be a postgres:// or postgresql://');
    expect(err.message).toContain('SEED: must be one of true, false');
  });

  it('rejects ports out of range', () => {
    expect(() => parseEnv(schema, { PORT: '70000' })).toThrow(/PORT: must be between 0 and 65535/);
  });
});
