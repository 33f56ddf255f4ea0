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
    expect(env).toMatchObject({ DATABASE_POOL_SIZE: 6, RUNNER_REPORT_INTERVAL_MS: 30_000, LOG_LEVEL: 'info', NODE_ENV: 'development', transport: 'postgres', KAFKA_BROKERS: [] });
  });

  it('chooses Kafka when brokers are configured, unless told otherwise', () => {
    const url = 'postgres://u:p@127.0.0.1:5432/db';
    expect(loadRunnerEnv({ DATABASE_URL: url, KAFKA_BROKERS: 'a:9092, b:9093' })).toMatchObject({ transport: 'kafka', KAFKA_BROKERS: ['a:9092', 'b:9093'] });
    expect(loadRunnerEnv({ DATABASE_URL: url, KAFKA_BROKERS: 'a:9092', RUNNER_TRANSPORT: 'postgres' }).transport).toBe('postgres');
    expect(() => loadRunnerEnv({ DATABASE_URL: url, RUNNER_TRANSPORT: 'kafka' })).toThrow(/needs KAFKA_BROKERS/);
    expect(() => loadRunnerEnv({ DATABASE_URL: url, KAFKA_BROKERS: 'no-port' })).toThrow(/KAFKA_BROKERS: must be a comma-separated list/);
  });

  it('refuses to sign actions with the public development secret in production', () => {
    const url = 'postgres://u:p@127.0.0.1:5432/db';
    expect(() => loadRunnerEnv({ DATABASE_URL: url, NODE_ENV: 'production' })).toThrow(/ACTION_WEBHOOK_SECRET is required/);
    expect(loadRunnerEnv({ DATABASE_URL: url, NODE_ENV: 'production', ACTION_WEBHOOK_SECRET: 'a-real-secret-of-length' }).actionSecret).toBe('a-real-secret-of-length');
  });

  it('serves /metrics on 9464 by default, 0 turns it off, and takes the OpenTelemetry endpoint', () => {
    const url = 'postgres://u:p@127.0.0.1:5432/db';
    expect(loadRunnerEnv({ DATABASE_URL: url })).toMatchObject({ RUNNER_METRICS_PORT: 9464, RUNNER_METRICS_HOST: '127.0.0.1', RUNNER_METRICS_SAMPLE_INTERVAL_MS: 15_000, OTEL_BSP_SCHEDULE_DELAY: 5000 });
    expect(loadRunnerEnv({ DATABASE_URL: url, RUNNER_METRICS_PORT: '0' }).RUNNER_METRICS_PORT).toBe(0);
    const bad = () => loadRunnerEnv({ DATABASE_URL: url, RUNNER_METRICS_PORT: '70000', OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318', METRICS_TOKEN: 'short' });
    expect(bad).toThrow(/RUNNER_METRICS_PORT: must be a port/);
    expect(bad).toThrow(/METRICS_TOKEN: must be at least 16 characters/);
    expect(bad).toThrow(/OTEL_EXPORTER_OTLP_ENDPOINT: must be an http\(s\) URL/);
  });

  it('names a bad price table entry', () => {
    expect(() => loadRunnerEnv({ DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/db', AGENT_PRICES_JSON: '{"gpt-x":{"inputPerMillionUsd":-1,"outputPerMillionUsd":1}}' })).toThrow(/gpt-x/);
  });
});
