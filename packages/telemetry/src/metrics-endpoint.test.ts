import { Counter } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { startMetricsServer, type MetricsServer } from './metrics-endpoint.js';
import { createMetricsRegistry } from './metrics-registry.js';
import { metricsAccess } from './telemetry-env.js';

const servers: MetricsServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

async function serve(env: { NODE_ENV: string; METRICS_TOKEN?: string }) {
  const registry = createMetricsRegistry();
  const counter = new Counter({ name: 'gatehouse_test_total', help: 'test', registers: [registry] });
  const server = await startMetricsServer({ registry, access: metricsAccess(env), port: 0, host: '127.0.0.1' });
  servers.push(server);
  return { counter, url: `http://127.0.0.1:${server.port}/metrics` };
}

describe('metrics listener', () => {
  it('serves the registry in the Prometheus text format, with the default process metrics', async () => {
    const { counter, url } = await serve({ NODE_ENV: 'development' });
    counter.inc(3);
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    expect(text).toMatch(/^gatehouse_test_total 3$/m);
    expect(text).toMatch(/^process_cpu_user_seconds_total /m);
    expect((await fetch(url.replace('/metrics', '/other'))).status).toBe(404);
  });

  it('is closed in production until a token is set', async () => {
    const { url } = await serve({ NODE_ENV: 'production' });
    const res = await fetch(url);
    expect(res.status).toBe(401);
    expect(await res.text()).toContain('METRICS_TOKEN');
  });

  it('asks for the bearer token when one is set, in any environment', async () => {
    const token = 'a-long-enough-metrics-token';
    const { url } = await serve({ NODE_ENV: 'development', METRICS_TOKEN: token });
    expect((await fetch(url)).status).toBe(401);
    expect((await fetch(url, { headers: { authorization: 'Bearer wrong-token-of-some-length' } })).status).toBe(401);
    expect((await fetch(url, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
  });
});
