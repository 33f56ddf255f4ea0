import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatehouseError } from './index.js';
import { clientFor, KEYS, publishedWorkflow, rejection, startTestApi, VALID_INPUT, type TestApi } from './test/sdk-fixtures.js';

/*
 * A proxy in front of the real API that answers the first `failures` requests itself (429 or
 * 503, as a rate limiter or a load balancer would) and forwards the rest: what a retry policy
 * meets in production, without waiting for a real outage.
 */
let api: TestApi;
let proxy: Server;
let proxyUrl: string;
let failures: Array<'429' | '503' | 'hang'> = [];
let seen: string[] = [];

beforeAll(async () => {
  api = await startTestApi();
  await publishedWorkflow(api, 'sdk-retry');
  proxy = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});
afterAll(async () => {
  proxy?.closeAllConnections();
  await new Promise((resolve) => proxy?.close(resolve));
  await api?.close();
});

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks).toString();
  seen.push((JSON.parse(body) as { operationName?: string }).operationName ?? '?');
  const failure = failures.shift();
  const forward = () => fetch(api.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': String(req.headers['x-api-key']) }, body });
  if (failure === 'hang') {
    // The API does the work; the answer is lost on the way back.
    await forward();
    return;
  }
  if (failure === '429') {
    res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '0' });
    res.end(JSON.stringify({ errors: [{ message: 'Too many requests; retry after 1 s.', extensions: { code: 'RATE_LIMITED', retryAfterSeconds: 0 } }] }));
    return;
  }
  if (failure === '503') {
    res.writeHead(503, { 'content-type': 'text/html' });
    res.end('<html>Service Unavailable</html>');
    return;
  }
  const upstream = await forward();
  res.writeHead(upstream.status, { 'content-type': 'application/json' });
  res.end(await upstream.text());
}

describe('retries', () => {
  it('retries queries through RATE_LIMITED and 5xx answers', async () => {
    failures = ['429', '503'];
    seen = [];
    const page = await clientFor(proxyUrl, KEYS.integrator).runs({ first: 1 });
    expect(page.edges).toEqual([]);
    expect(seen).toEqual(['SdkRuns', 'SdkRuns', 'SdkRuns']);
  });

  it('retries startRun (idempotent by its key): one run however often it was sent', async () => {
    failures = ['503', '429'];
    seen = [];
    const started = await clientFor(proxyUrl, KEYS.integrator).startRun({ workflowKey: 'sdk-retry', input: VALID_INPUT, idempotencyKey: 'retry-1' });
    expect(started.run.status).toBe('queued');
    expect(seen).toEqual(['SdkStartRun', 'SdkStartRun', 'SdkStartRun']);
  });

  it('retries startRun after a timeout, which may have reached the server: the key makes it one run', async () => {
    failures = ['hang'];
    seen = [];
    const client = clientFor(proxyUrl, KEYS.integrator, { timeoutMs: 300 });
    const started = await client.startRun({ workflowKey: 'sdk-retry', input: VALID_INPUT, idempotencyKey: 'retry-2' });
    expect(seen).toEqual(['SdkStartRun', 'SdkStartRun']);
    // The first try started the run; the retry got the same one back.
    expect(started.replayed).toBe(true);
    expect(await api.ds.query(`SELECT count(*)::int AS n FROM runs WHERE idempotency_key = 'retry-2'`)).toEqual([{ n: 1 }]);
  });

  it('never retries any other mutation', async () => {
    failures = ['503'];
    seen = [];
    const error = (await rejection(clientFor(proxyUrl, KEYS.reviewer).decideApproval({ approvalId: '00000000-0000-4000-8000-000000000000', decision: 'approve' }))) as GatehouseError;
    expect(error).toMatchObject({ code: 'INTERNAL_SERVER_ERROR', status: 503, operationName: 'SdkDecideApproval' });
    expect(seen).toEqual(['SdkDecideApproval']);
  });

  it('gives up after the configured retries with the last error', async () => {
    failures = ['429', '429', '429', '429'];
    seen = [];
    const error = (await rejection(clientFor(proxyUrl, KEYS.integrator, { retry: { retries: 2, minDelayMs: 1, maxDelayMs: 5 } }).runs())) as GatehouseError;
    expect(error).toMatchObject({ code: 'RATE_LIMITED', status: 429, retryAfterSeconds: 0 });
    expect(seen).toHaveLength(3);
    failures = [];
  });

  it('retry: false sends once', async () => {
    failures = ['503'];
    seen = [];
    await rejection(clientFor(proxyUrl, KEYS.integrator, { retry: false }).runs());
    expect(seen).toHaveLength(1);
  });

  it('reports an unreachable server as NETWORK_ERROR after retrying', async () => {
    const error = (await rejection(clientFor('http://127.0.0.1:1', KEYS.integrator).runs())) as GatehouseError;
    expect(error).toMatchObject({ code: 'NETWORK_ERROR', message: expect.stringContaining('Could not reach http://127.0.0.1:1/graphql') });
  });
});
