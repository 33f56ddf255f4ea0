import { createDataSource } from '@gatehouse/db';
import { gzipSync } from 'node:zlib';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../app.js';
import { createLogger } from '../logger.js';
import { KEYS } from '../test/fixtures.js';
import { startTestApi, type TestApi } from '../test/test-api.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let api: TestApi;

beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

/** POSTs a raw body to /graphql and returns the status and parsed JSON. */
async function post(body: string, headers: Record<string, string> = {}) {
  const res = await fetch(api.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': KEYS.viewer, ...headers }, body });
  return { status: res.status, headers: res.headers, body: (await res.json()) as { data?: any; errors?: Array<{ message: string; extensions?: { code?: string } }> } };
}

async function stillAnswers() {
  const res = await post(JSON.stringify({ query: '{ me { role } }' }));
  expect(res.status).toBe(200);
  expect(res.body.data.me.role).toBe('viewer');
}

describe('health', () => {
  it('/healthz and /readyz answer 200 on a migrated, reachable database', async () => {
    const health = await fetch(`${api.baseUrl}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${api.baseUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
  });

  it('/readyz says 503 when the database is unreachable while /healthz stays 200', async () => {
    const ds = createDataSource({ url: (api.ds.options as { url: string }).url, poolSize: 1 });
    await ds.initialize();
    const app = await createApp({ dataSource: ds, logger: createLogger('silent') });
    const { port } = await app.listen(0, '127.0.0.1');
    try {
      expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
      await ds.destroy();
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toEqual({ status: 'database_unreachable' });
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    } finally {
      await app.close();
      if (ds.isInitialized) await ds.destroy();
    }
  });
});

describe('request ids', () => {
  it('echoes a well-formed x-request-id and generates one otherwise', async () => {
    const sent = await fetch(`${api.baseUrl}/healthz`, { headers: { 'x-request-id': 'client-req.42_a' } });
    expect(sent.headers.get('x-request-id')).toBe('client-req.42_a');

    const generated = await post(JSON.stringify({ query: '{ me { role } }' }));
    const id = generated.headers.get('x-request-id');
    expect(id).toMatch(UUID);
    const another = (await post(JSON.stringify({ query: '{ me { role } }' }))).headers.get('x-request-id');
    expect(another).toMatch(UUID);
    expect(another).not.toBe(id);

    // Header injection or log flooding through the id is not echoed.
    const hostile = await fetch(`${api.baseUrl}/healthz`, { headers: { 'x-request-id': 'a b<script>' } });
    expect(hostile.headers.get('x-request-id')).toMatch(UUID);
    const long = await fetch(`${api.baseUrl}/healthz`, { headers: { 'x-request-id': 'x'.repeat(129) } });
    expect(long.headers.get('x-request-id')).toMatch(UUID);
  });
});

describe('internal errors', () => {
  it('are masked in the response and logged with the request id', async () => {
    const lines: Array<Record<string, any>> = [];
    const logger = pino({ level: 'info' }, { write: (chunk: string) => void lines.push(JSON.parse(chunk) as Record<string, any>) });
    const ds = createDataSource({ url: (api.ds.options as { url: string }).url, poolSize: 1 });
    await ds.initialize();
    const app = await createApp({ dataSource: ds, logger });
    const { port } = await app.listen(0, '127.0.0.1');
    try {
      await ds.destroy(); // every database call now fails: an outage, not the client's fault
      const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': KEYS.viewer, 'x-request-id': 'outage-req-1' },
        body: JSON.stringify({ query: '{ workflows { key } }' }),
      });
      const body = (await res.json()) as { errors: Array<{ message: string; extensions: { code: string } }> };
      expect(body.errors[0]!.extensions.code).toBe('INTERNAL_SERVER_ERROR');
      expect(JSON.stringify(body)).not.toMatch(/destroyed|Connection|pool/i);
      const logged = lines.filter((l) => l.msg === 'unhandled error in GraphQL operation');
      expect(logged).toHaveLength(1);
      expect(logged[0]!.req?.id).toBe('outage-req-1');
    } finally {
      await app.close();
      if (ds.isInitialized) await ds.destroy();
    }
  });
});

describe('malformed requests', () => {
  it('malformed JSON is a 400 BAD_REQUEST, and the server keeps answering', async () => {
    const res = await post('{"query": "{ me { role } }"');
    expect(res.status).toBe(400);
    expect(res.body.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
    expect(res.body.errors?.[0]?.message).toMatch(/^Bad request/);
    await stillAnswers();
  });

  it('refuses a batched array of operations with a client error', async () => {
    const res = await post(JSON.stringify([{ query: '{ me { role } }' }, { query: '{ me { email } }' }]));
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(res.body.data).toBeUndefined();
    expect(res.body.errors?.[0]).toMatchObject({ message: expect.stringMatching(/batching disabled/i), extensions: { code: 'BAD_REQUEST' } });
    await stillAnswers();
  });

  it('a body over the limit is 413', async () => {
    const res = await post(JSON.stringify({ query: '{ me { role } }', variables: { pad: 'x'.repeat(600 * 1024) } }));
    expect(res.status).toBe(413);
    expect(res.body.errors?.[0]).toMatchObject({ message: 'Request body too large.', extensions: { code: 'BAD_REQUEST' } });
    await stillAnswers();
  });

  it('reads JSON bodies as integrators send them: +json media types, explicit UTF-8, compressed, empty', async () => {
    const me = JSON.stringify({ query: '{ me { role } }' });
    expect((await post(me, { 'content-type': 'application/graphql-request+json; charset=UTF-8' })).body.data).toEqual({ me: { role: 'viewer' } });
    const gzipped = await fetch(api.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip', 'x-api-key': KEYS.viewer }, body: gzipSync(me) });
    expect(await gzipped.json()).toEqual({ data: { me: { role: 'viewer' } } });
    // An empty JSON body is an empty request: Apollo says what is missing.
    const empty = await post('');
    expect(empty.status).toBe(400);
    expect(empty.body.errors?.[0]?.message).toMatch(/POST body missing|non-empty `query`/);
    // /graphql/ is the same endpoint; a query string does not change the path.
    const slash = await fetch(`${api.graphqlUrl}/?source=test`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': KEYS.viewer }, body: me });
    expect(await slash.json()).toEqual({ data: { me: { role: 'viewer' } } });
  });

  it('refuses what it cannot read with a code: another charset or encoding is 415, a corrupt gzip body 400', async () => {
    const me = JSON.stringify({ query: '{ me { role } }' });
    const latin = await post(me, { 'content-type': 'application/json; charset=iso-8859-1' });
    expect(latin.status).toBe(415);
    expect(latin.body.errors?.[0]).toMatchObject({ message: expect.stringMatching(/^Bad request: unsupported charset "ISO-8859-1"/), extensions: { code: 'BAD_REQUEST' } });
    const zstd = await post(me, { 'content-encoding': 'zstd' });
    expect(zstd.status).toBe(415);
    expect(zstd.body.errors?.[0]?.message).toMatch(/unsupported content encoding "zstd"/);
    const corrupt = await post('not gzip at all', { 'content-encoding': 'gzip' });
    expect(corrupt.status).toBe(400);
    expect(corrupt.body.errors?.[0]).toMatchObject({ message: 'Bad request: the gzip body does not decompress', extensions: { code: 'BAD_REQUEST' } });
    // A gzip bomb is cut off at the limit after decompression, not at its small size on the wire.
    const bomb = gzipSync(JSON.stringify({ query: '{ me { role } }', variables: { pad: ' '.repeat(2 * 1024 * 1024) } }));
    expect(bomb.length).toBeLessThan(100 * 1024);
    const big = await fetch(api.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip', 'x-api-key': KEYS.viewer }, body: bomb });
    expect(big.status).toBe(413);
    // A body that is not JSON at all is Apollo's to refuse (CSRF prevention: text/plain is what a form posts).
    const form = await post(me, { 'content-type': 'text/plain' });
    expect(form.status).toBe(400);
    expect(form.body.errors?.[0]?.message).toMatch(/CSRF|preflight/i);
    await stillAnswers();
  });

  it('a syntax error is GRAPHQL_PARSE_FAILED, an unknown field GRAPHQL_VALIDATION_FAILED', async () => {
    const parse = await post(JSON.stringify({ query: '{ me { role }' }));
    expect(parse.status).toBe(400);
    expect(parse.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
    expect(parse.body.errors?.[0]?.message).toMatch(/Syntax Error/);

    const unknown = await post(JSON.stringify({ query: '{ me { role favouriteColour } }' }));
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(unknown.body.errors?.[0]?.message).toMatch(/favouriteColour/);
    // Only the code reaches the client: no stack trace, even outside production.
    expect(parse.body.errors?.[0]?.extensions).toEqual({ code: 'GRAPHQL_PARSE_FAILED' });
    expect(unknown.body.errors?.[0]?.extensions).toEqual({ code: 'GRAPHQL_VALIDATION_FAILED' });
  });
});
