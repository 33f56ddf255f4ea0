import 'reflect-metadata';
import { createDataSource } from '@gatehouse/db';
import { createTestDatabase } from '@gatehouse/db/testing';
import { getIntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createApp, type AppOptions } from '../app.js';
import { hardeningOptions, loadApiEnv } from '../env.js';
import { createLogger } from '../logger.js';
import { KEYS } from '../test/fixtures.js';

/** One database for the file; each test starts its own server with the options it is about. */
let database: Awaited<ReturnType<typeof createTestDatabase>>;
let ds: ReturnType<typeof createDataSource>;

beforeAll(async () => {
  database = await createTestDatabase(inject('gatehousePostgres'));
  ds = createDataSource({ url: database.url, poolSize: 4 });
  await ds.initialize();
});

afterAll(async () => {
  await ds.destroy();
  await database.drop();
});

async function withServer(options: Omit<AppOptions, 'dataSource' | 'logger'>, body: (url: string) => Promise<void>): Promise<void> {
  const app = await createApp({ dataSource: ds, logger: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'), ...options });
  const { port } = await app.listen(0, '127.0.0.1');
  try {
    await body(`http://127.0.0.1:${port}`);
  } finally {
    await app.close();
  }
}

async function post(baseUrl: string, query: string, headers: Record<string, string> = { 'x-api-key': KEYS.viewer }) {
  const res = await fetch(`${baseUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query }) });
  const body = (await res.json()) as { data?: any; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
  return { status: res.status, headers: res.headers, body };
}

describe('production mode (NODE_ENV=production through hardeningOptions)', () => {
  const production = hardeningOptions(loadApiEnv({ NODE_ENV: 'production', SEED_DEV_PRINCIPALS: 'false' }));

  it('turns off introspection and field suggestions', async () => {
    expect(production).toMatchObject({ introspection: false, fieldSuggestions: false });
    await withServer(production, async (url) => {
      const introspection = await post(url, getIntrospectionQuery());
      expect(introspection.status).toBe(400);
      expect(introspection.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(introspection.body.errors?.[0]?.message).toMatch(/introspection is not allowed/i);

      const typo = await post(url, '{ me { rol } }');
      expect(typo.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(typo.body.errors?.[0]?.message).toMatch(/Cannot query field "rol"/);
      expect(JSON.stringify(typo.body)).not.toMatch(/Did you mean|"role"/);
      // The ordinary query still works.
      expect((await post(url, '{ me { role } }')).body.data).toEqual({ me: { role: 'viewer' } });
    });
  });

  it('development keeps both (the same request shows the suggestion)', async () => {
    const development = hardeningOptions(loadApiEnv({}));
    expect(development).toMatchObject({ introspection: true, fieldSuggestions: true });
    await withServer(development, async (url) => {
      expect((await post(url, getIntrospectionQuery())).body.data.__schema.queryType.name).toBe('Query');
      expect((await post(url, '{ me { rol } }')).body.errors?.[0]?.message).toMatch(/Did you mean "role"\?/);
    });
  });
});

describe('configurable document limits', () => {
  it('a lowered depth limit refuses one level more and accepts the limit itself', async () => {
    const graphqlLimits = { ...hardeningOptions(loadApiEnv({ API_GRAPHQL_MAX_DEPTH: '3' })).graphqlLimits! };
    expect(graphqlLimits.maxDepth).toBe(3);
    await withServer({ graphqlLimits }, async (url) => {
      expect((await post(url, '{ workflows { publishedVersion { version } } }')).body.errors).toBeUndefined();
      const deeper = await post(url, '{ workflows { publishedVersion { author { name } } } }');
      expect(deeper.status).toBe(400);
      expect(deeper.body.errors?.[0]?.message).toMatch(/depth limit of 3 exceeded, found 4/);
    });
  });

  it('a lowered token limit refuses a longer document as GRAPHQL_PARSE_FAILED', async () => {
    const graphqlLimits = { ...hardeningOptions(loadApiEnv({ API_GRAPHQL_MAX_TOKENS: '6' })).graphqlLimits! };
    await withServer({ graphqlLimits }, async (url) => {
      expect((await post(url, '{ me { role } }')).body.errors).toBeUndefined();
      const longer = await post(url, '{ me { role email name } }');
      expect(longer.status).toBe(400);
      expect(longer.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
    });
  });
});

describe('rate limits', () => {
  it('per key: the request over the limit is 429 RATE_LIMITED with Retry-After; other keys and /healthz are untouched', async () => {
    await withServer({ rateLimits: { windowSeconds: 60, perKey: 3, perIp: 1_000 } }, async (url) => {
      for (let i = 0; i < 3; i++) expect((await post(url, '{ me { role } }')).status).toBe(200);
      const limited = await post(url, '{ me { role } }');
      expect(limited.status).toBe(429);
      const retryAfter = Number(limited.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(limited.body.errors?.[0]).toMatchObject({ extensions: { code: 'RATE_LIMITED', retryAfterSeconds: retryAfter } });
      expect(limited.body.errors?.[0]?.message).toMatch(/retry after \d+ s/);
      // The same key through Authorization: Bearer is the same bucket.
      expect((await post(url, '{ me { role } }', { authorization: `Bearer ${KEYS.viewer}` })).status).toBe(429);
      // Another key has its own budget.
      expect((await post(url, '{ me { role } }', { 'x-api-key': KEYS.admin })).body.data).toEqual({ me: { role: 'admin' } });
      for (let i = 0; i < 10; i++) expect((await fetch(`${url}/healthz`)).status).toBe(200);
      expect((await fetch(`${url}/readyz`)).status).toBe(200);
    });
  });

  it('per IP: counts every request from the address, with or without a key', async () => {
    await withServer({ rateLimits: { windowSeconds: 60, perKey: 0, perIp: 4 } }, async (url) => {
      expect((await post(url, '{ me { role } }', {})).body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect((await post(url, '{ me { role } }', { 'x-api-key': 'gh_made_up_1' })).status).toBe(200);
      expect((await post(url, '{ me { role } }', { 'x-api-key': KEYS.admin })).status).toBe(200);
      expect((await post(url, '{ me { role } }', { 'x-api-key': KEYS.owner })).status).toBe(200);
      const limited = await post(url, '{ me { role } }', { 'x-api-key': KEYS.integrator });
      expect(limited.status).toBe(429);
      expect(limited.body.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
    });
  });

  it('per IP behind trusted proxies: the address X-Forwarded-For names is counted; with no trusted proxy the header is ignored', async () => {
    const from = (address: string) => ({ 'x-api-key': KEYS.viewer, 'x-forwarded-for': address });
    await withServer({ rateLimits: { windowSeconds: 60, perKey: 0, perIp: 2 }, trustProxyHops: 1 }, async (url) => {
      for (let i = 0; i < 2; i++) expect((await post(url, '{ me { role } }', from('203.0.113.7'))).status).toBe(200);
      expect((await post(url, '{ me { role } }', from('203.0.113.7'))).status).toBe(429);
      // Another client behind the same proxy has its own budget.
      expect((await post(url, '{ me { role } }', from('198.51.100.20'))).status).toBe(200);
      // Only the hop the proxy appended is trusted: an address the client put in front changes nothing.
      expect((await post(url, '{ me { role } }', from('10.9.9.9, 203.0.113.7'))).status).toBe(429);
    });
    await withServer({ rateLimits: { windowSeconds: 60, perKey: 0, perIp: 2 } }, async (url) => {
      expect((await post(url, '{ me { role } }', from('203.0.113.1'))).status).toBe(200);
      expect((await post(url, '{ me { role } }', from('203.0.113.2'))).status).toBe(200);
      expect((await post(url, '{ me { role } }', from('203.0.113.3'))).status).toBe(429);
    });
  });

  it('the defaults are on and generous: 300 requests in a burst on one key all pass', async () => {
    await withServer({}, async (url) => {
      const statuses = await Promise.all(Array.from({ length: 300 }, () => post(url, '{ __typename }').then((r) => r.status)));
      expect(statuses.filter((s) => s !== 200)).toEqual([]);
    });
  });
});

describe('CSRF prevention', () => {
  it('lets the console through: a JSON POST with x-api-key and the console’s accept header', async () => {
    await withServer({}, async (url) => {
      const res = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', 'x-api-key': KEYS.owner },
        body: JSON.stringify({ query: 'mutation ($r: String!) { pauseWorkflow(workflowKey: "no-such", reason: $r) { key } }', variables: { r: 'test' } }),
      });
      const body = (await res.json()) as { errors: Array<{ extensions: { code: string } }> };
      // Reached the resolver (the workflow does not exist), i.e. not stopped as a CSRF attempt.
      expect(body.errors[0]!.extensions.code).toBe('NOT_FOUND');
    });
  });

  it('refuses a simple cross-site request (a GET with no preflight-forcing header)', async () => {
    await withServer({}, async (url) => {
      const res = await fetch(`${url}/graphql?query=${encodeURIComponent('{ me { role } }')}`, { headers: { 'x-api-key': KEYS.viewer } });
      // x-api-key is itself a non-simple header, but Apollo looks for its own: the console never uses GET.
      expect(res.status).toBe(400);
      expect(await res.text()).toMatch(/CSRF/);
    });
  });
});
