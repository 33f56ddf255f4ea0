import { describe, expect, it } from 'vitest';
import { loadRunnerEnv } from './env.js';

describe('loadRunnerEnv', () => {
  it('requires DATABASE_URL and names it when missing', () => {
    expect(() => loadRunnerEnv({})).toThrow(/DATABASE_URL/);
  });

  it('refuses a non-postgres URL and a zero interval, naming both', () => {
    expect(() => loadRunnerEnv({ DATABASE_URL: 'mysql://x', RUNNER_REPORT_INTERVAL_MS: '0' })).toThrow(/DATABASE_URL: must be a postgres.*RUNNER_REPORT_INTERVAL_MS: must be greater than 0/);
  });

  it('applies defaults', () => {
    const env = loadRunnerEnv({ DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/db' });
    expect(env).toMatchObject({ DATABASE_POOL_SIZE: 5, RUNNER_REPORT_INTERVAL_MS: 30_000, LOG_LEVEL: 'info', NODE_ENV: 'development' });
  });
});
