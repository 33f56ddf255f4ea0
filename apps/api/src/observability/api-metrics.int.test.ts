import { metricsAccess } from '@gatehouse/telemetry';
import { metricValue, scrape, type Sample } from '@gatehouse/telemetry/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadApiEnv } from '../env.js';
import { KEYS, publishedWorkflow, START_RUN, VALID_INPUT } from '../test/fixtures.js';
import { startTestApi, type TestApi } from '../test/test-api.js';

describe('the API /metrics', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
    await publishedWorkflow(api, 'metrics-flow');
  });
  afterAll(() => api.close());

  const metrics = () => scrape(`${api.baseUrl}/metrics`);
  const delta = (before: Sample[], after: Sample[], name: string, labels: Record<string, string>) => metricValue(after, name, labels) - metricValue(before, name, labels);

  it('counts and times GraphQL operations per root field and errors per public code', async () => {
    const before = await metrics();
    for (let i = 0; i < 3; i++) await api.ok(KEYS.integrator, START_RUN, { key: 'metrics-flow', input: VALID_INPUT, idem: `metrics-${i}` });
    // An alias and an operation name change nothing: the label is the root field.
    await api.ok(KEYS.viewer, `query Dashboard { mine: me { id } workflows { key } }`);
    const bad = await api.gql(KEYS.integrator, START_RUN, { key: 'metrics-flow', input: { ticketId: 1 }, idem: 'metrics-bad' });
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const unknown = await api.gql(KEYS.integrator, START_RUN, { key: 'no-such-flow', input: VALID_INPUT, idem: 'metrics-404' });
    expect(unknown.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    await api.gql(null, '{ workflows { key } }');
    const after = await metrics();

    const startRun = { operation_type: 'mutation', operation: 'startRun' };
    expect(delta(before, after, 'gatehouse_graphql_requests_total', startRun)).toBe(5);
    expect(delta(before, after, 'gatehouse_graphql_request_duration_seconds_count', startRun)).toBe(5);
    expect(delta(before, after, 'gatehouse_graphql_request_duration_seconds_sum', startRun)).toBeGreaterThan(0);
    expect(delta(before, after, 'gatehouse_graphql_errors_total', { ...startRun, code: 'BAD_USER_INPUT' })).toBe(1);
    expect(delta(before, after, 'gatehouse_graphql_errors_total', { ...startRun, code: 'NOT_FOUND' })).toBe(1);
    expect(delta(before, after, 'gatehouse_graphql_requests_total', { operation_type: 'query', operation: 'me' })).toBe(1);
    expect(delta(before, after, 'gatehouse_graphql_errors_total', { operation_type: 'query', operation: 'workflows', code: 'UNAUTHENTICATED' })).toBe(1);
    // Every one of them was an HTTP request to /graphql as well.
    expect(delta(before, after, 'gatehouse_http_requests_total', { method: 'POST', route: '/graphql' })).toBe(7);
    // The default process metrics are there.
    expect(metricValue(after, 'process_resident_memory_bytes')).toBeGreaterThan(0);
  });

  it('gives unknown paths one label value, so a scanner cannot grow the series', async () => {
    await fetch(`${api.baseUrl}/wp-admin/setup.php`);
    await fetch(`${api.baseUrl}/healthz`);
    const after = await metrics();
    expect(metricValue(after, 'gatehouse_http_requests_total', { route: 'other', status: '404' })).toBeGreaterThanOrEqual(1);
    expect(metricValue(after, 'gatehouse_http_requests_total', { route: '/healthz', status: '200' })).toBeGreaterThanOrEqual(1);
    expect(after.some((s) => Object.values(s.labels).some((v) => v.includes('wp-admin')))).toBe(false);
  });
});

describe('the API /metrics in production', () => {
  const token = 'scrape-token-0123456789';
  const production = (extra: Record<string, string> = {}) =>
    metricsAccess(loadApiEnv({ NODE_ENV: 'production', SEED_DEV_PRINCIPALS: 'false', ...extra }));

  it('answers 401 without METRICS_TOKEN, whatever is sent', async () => {
    const api = await startTestApi({ metricsAccess: production() });
    try {
      const res = await fetch(`${api.baseUrl}/metrics`, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(401);
      expect(await res.text()).toContain('METRICS_TOKEN');
    } finally {
      await api.close();
    }
  });

  it('with METRICS_TOKEN, serves only requests that carry it', async () => {
    const api = await startTestApi({ metricsAccess: production({ METRICS_TOKEN: token }) });
    try {
      expect((await fetch(`${api.baseUrl}/metrics`)).status).toBe(401);
      expect((await fetch(`${api.baseUrl}/metrics`, { headers: { 'x-api-key': KEYS.admin } })).status).toBe(401);
      expect(metricValue(await scrape(`${api.baseUrl}/metrics`, token), 'process_resident_memory_bytes')).toBeGreaterThan(0);
    } finally {
      await api.close();
    }
  });
});
