import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sendActionWebhook, signActionPayload, verifyActionSignature, type ActionWebhookRequest } from './action-webhook.js';

const SECRET = 'whsec-test-secret';

/** What the receiver saw, so tests can check the wire format, not just the outcome. */
interface Received {
  headers: IncomingHttpHeaders;
  body: Buffer;
  verified: boolean;
}
type Answer = (res: ServerResponse, received: Received) => void;

let server: Server;
let url: string;
let received: Received[] = [];
let answer: Answer;
const hanging = new Set<ServerResponse>();

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const verified = verifyActionSignature({
        secret: SECRET,
        timestampHeader: req.headers['x-gatehouse-timestamp'],
        signatureHeader: req.headers['x-gatehouse-signature'],
        body,
      });
      const r: Received = { headers: req.headers, body, verified };
      received.push(r);
      if (!verified) {
        res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'bad signature' }));
        return;
      }
      answer(res, r);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/actions?token=should-not-appear`;
});

afterAll(async () => {
  for (const res of hanging) res.destroy();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  received = [];
  answer = (res, r) => {
    const { idempotencyKey } = JSON.parse(r.body.toString('utf8'));
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ticket: 'T-42', idempotencyKey }));
  };
});

function request(overrides: Partial<ActionWebhookRequest> = {}): ActionWebhookRequest {
  return {
    url,
    secret: SECRET,
    action: 'refund.issue',
    args: { orderId: 'o-1', amountCents: 1299 },
    idempotencyKey: 'run-1:refund:1',
    runId: 'run-1',
    stepId: 'refund',
    timeoutMs: 5_000,
    mode: 'execute',
    ...overrides,
  };
}

describe('sendActionWebhook against a real receiver', () => {
  it('delivers a signed body the receiver verifies, with the idempotency key', async () => {
    const outcome = await sendActionWebhook(request());
    expect(outcome).toMatchObject({
      ok: true,
      output: { delivered: true, status: 200, response: { ticket: 'T-42', idempotencyKey: 'run-1:refund:1' } },
      trace: { provider: 'webhook', model: null, tokensIn: null, costUsd: null },
    });
    expect(received).toHaveLength(1);
    const r = received[0]!;
    expect(r.verified).toBe(true);
    expect(r.headers['idempotency-key']).toBe('run-1:refund:1');
    expect(r.headers['user-agent']).toBe('gatehouse-runner');
    expect(r.headers['content-type']).toBe('application/json');
    expect(r.headers['x-gatehouse-signature']).toMatch(/^v1=[0-9a-f]{64}$/);
    const body = JSON.parse(r.body.toString('utf8'));
    expect(body).toEqual({
      action: 'refund.issue',
      args: { orderId: 'o-1', amountCents: 1299 },
      runId: 'run-1',
      stepId: 'refund',
      idempotencyKey: 'run-1:refund:1',
      sentAt: expect.any(String),
    });
    expect(Math.abs(Date.parse(body.sentAt) / 1000 - Number(r.headers['x-gatehouse-timestamp']))).toBeLessThan(1);
  });

  it('is refused by a receiver that holds a different secret', async () => {
    const outcome = await sendActionWebhook(request({ secret: 'some-other-secret' }));
    expect(received[0]!.verified).toBe(false);
    expect(outcome).toMatchObject({ ok: false, reason: 'tool_error', retryable: false, details: { status: 401 } });
    if (outcome.ok) throw new Error('unreachable');
    expect(outcome.message).toContain('401');
    expect(outcome.message).not.toContain('should-not-appear');
    expect(outcome.message).not.toContain('some-other-secret');
  });

  it('is refused when the body is tampered with in transit, or replayed with a stale timestamp', async () => {
    await sendActionWebhook(request());
    const original = received[0]!;
    expect(original.verified).toBe(true);
    const post = (headers: Record<string, string>, body: string) =>
      fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

    const tampered = original.body.toString('utf8').replace('1299', '999999');
    const tamperedRes = await post(
      {
        'x-gatehouse-timestamp': String(original.headers['x-gatehouse-timestamp']),
        'x-gatehouse-signature': String(original.headers['x-gatehouse-signature']),
      },
      tampered,
    );
    expect(tamperedRes.status).toBe(401);
    expect(received[1]!.verified).toBe(false);

    // Correctly signed, but ten minutes old: outside the receiver's 300 s window.
    const staleTs = String(Math.floor(Date.now() / 1000) - 600);
    const body = original.body.toString('utf8');
    const staleRes = await post(
      { 'x-gatehouse-timestamp': staleTs, 'x-gatehouse-signature': signActionPayload(SECRET, staleTs, body) },
      body,
    );
    expect(staleRes.status).toBe(401);
    expect(received[2]!.verified).toBe(false);
  });

  it('classifies 503 as a retryable tool_error', async () => {
    answer = (res) => res.writeHead(503, { 'content-type': 'text/plain' }).end('maintenance');
    const outcome = await sendActionWebhook(request());
    expect(outcome).toMatchObject({
      ok: false,
      reason: 'tool_error',
      retryable: true,
      details: { status: 503, response: 'maintenance' },
    });
    if (outcome.ok) throw new Error('unreachable');
    expect(outcome.message).toContain('503: maintenance');
  });

  it('classifies 400 as a non-retryable tool_error', async () => {
    answer = (res) => res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"orderId unknown"}');
    const outcome = await sendActionWebhook(request());
    expect(outcome).toMatchObject({
      ok: false,
      reason: 'tool_error',
      retryable: false,
      details: { status: 400, response: { error: 'orderId unknown' } },
    });
  });

  it('sends the credentials of the configured URL as Basic authentication', async () => {
    const outcome = await sendActionWebhook(request({ url: url.replace('http://', 'http://gate:s%40cret@') }));
    expect(outcome.ok).toBe(true);
    expect(received.at(-1)!.headers.authorization).toBe(`Basic ${Buffer.from('gate:s@cret').toString('base64')}`);
    // Without credentials in the URL there is no such header.
    await sendActionWebhook(request());
    expect(received.at(-1)!.headers.authorization).toBeUndefined();
  });

  it('does not follow a redirect: the signed body goes nowhere else, and the answer needs a person', async () => {
    answer = (res) => res.writeHead(307, { location: url.replace('/actions', '/elsewhere') }).end();
    const outcome = await sendActionWebhook(request());
    expect(outcome).toMatchObject({ ok: false, reason: 'tool_error', retryable: false, details: { status: 307 } });
    expect(received).toHaveLength(1);
  });

  it('truncates a large response to 4 KB', async () => {
    answer = (res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('x'.repeat(100_000));
    const outcome = await sendActionWebhook(request());
    if (!outcome.ok) throw new Error(outcome.message);
    const response = (outcome.output as { response: string }).response;
    expect(response.startsWith('x'.repeat(4096))).toBe(true);
    expect(response).toHaveLength(4096 + '…[truncated]'.length);
  });

  it('times out on a receiver that never answers', async () => {
    answer = (res) => {
      hanging.add(res);
    };
    const outcome = await sendActionWebhook(request({ timeoutMs: 300 }));
    expect(outcome).toMatchObject({ ok: false, reason: 'timeout', retryable: true });
    if (outcome.ok) throw new Error('unreachable');
    expect(outcome.message).toContain('timed out after 300 ms');
  });

  it('stops when the caller aborts', async () => {
    answer = (res) => {
      hanging.add(res);
    };
    const controller = new AbortController();
    const pending = sendActionWebhook(request({ timeoutMs: 30_000, signal: controller.signal }));
    setTimeout(() => controller.abort(), 50);
    const outcome = await pending;
    expect(outcome).toMatchObject({ ok: false, reason: 'timeout', retryable: true });
    if (outcome.ok) throw new Error('unreachable');
    expect(outcome.message).toContain('aborted by the runner');
  });

  it('classifies connection refused as a retryable tool_error', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const outcome = await sendActionWebhook(request({ url: `http://127.0.0.1:${port}/actions` }));
    expect(outcome).toMatchObject({ ok: false, reason: 'tool_error', retryable: true, details: { code: 'ECONNREFUSED' } });
  });

  it('refuses a URL that is not http(s) without retrying', async () => {
    const outcome = await sendActionWebhook(request({ url: 'ftp://example.invalid/x' }));
    expect(outcome).toMatchObject({ ok: false, reason: 'tool_error', retryable: false });
  });
});

describe('verifyActionSignature', () => {
  const now = Date.UTC(2025, 0, 1, 12, 0, 0);
  const ts = String(Math.floor(now / 1000));
  const body = '{"action":"refund.issue","args":{"amountCents":1299}}';
  const signature = signActionPayload(SECRET, ts, body);

  it('accepts the exact bytes with the right secret and a fresh timestamp', () => {
    expect(verifyActionSignature({ secret: SECRET, timestampHeader: ts, signatureHeader: signature, body, now })).toBe(true);
    expect(
      verifyActionSignature({ secret: SECRET, timestampHeader: ts, signatureHeader: signature, body: Buffer.from(body), now }),
    ).toBe(true);
    // A rotated secret: either signature may match.
    const both = `${signActionPayload('old-secret', ts, body)}, ${signature}`;
    expect(verifyActionSignature({ secret: SECRET, timestampHeader: ts, signatureHeader: both, body, now })).toBe(true);
  });

  it('rejects a tampered body, a wrong secret, a moved timestamp or a missing header', () => {
    const tampered = body.replace('1299', '129900');
    expect(verifyActionSignature({ secret: SECRET, timestampHeader: ts, signatureHeader: signature, body: tampered, now })).toBe(false);
    expect(verifyActionSignature({ secret: 'wrong', timestampHeader: ts, signatureHeader: signature, body, now })).toBe(false);
    expect(
      verifyActionSignature({ secret: SECRET, timestampHeader: String(Number(ts) + 1), signatureHeader: signature, body, now }),
    ).toBe(false);
    expect(verifyActionSignature({ secret: SECRET, timestampHeader: ts, signatureHeader: undefined, body, now })).toBe(false);
    expect(verifyActionSignature({ secret: SECRET, timestampHeader: ts, signatureHeader: 'v1=abc', body, now })).toBe(false);
  });

  it('rejects a correctly signed but stale request (replay window)', () => {
    const later = now + 301_000;
    expect(verifyActionSignature({ secret: SECRET, timestampHeader: ts, signatureHeader: signature, body, now: later })).toBe(false);
    expect(
      verifyActionSignature({ secret: SECRET, timestampHeader: ts, signatureHeader: signature, body, now: later, toleranceSeconds: 600 }),
    ).toBe(true);
    expect(verifyActionSignature({ secret: SECRET, timestampHeader: ts, signatureHeader: signature, body, now: now + 299_000 })).toBe(true);
  });
});
