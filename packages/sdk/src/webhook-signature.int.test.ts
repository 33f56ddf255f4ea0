import { signWebhookPayload as serverSign } from '@gatehouse/domain';
import { sendActionWebhook } from '@gatehouse/runner/dist/executors/action-webhook.js';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signWebhookPayload, verifyWebhookSignature, webhookSignatureProblem } from './index.js';

/*
 * The server signs with packages/domain's signWebhookPayload (the runner's action webhooks and
 * the event subscriptions' deliveries); the SDK verifies with its own copy. These tests hold
 * the two to one scheme: a request the runner really sent verifies, anything altered does not.
 */
const SECRET = 'whsec_test_0123456789';

interface Received {
  headers: IncomingHttpHeaders;
  rawBody: Buffer;
}

let receiver: Server;
let url: string;
const received: Received[] = [];

beforeAll(async () => {
  // The receiver of the README example: keep the raw bytes, verify, then parse.
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks);
      received.push({ headers: req.headers, rawBody });
      const ok = verifyWebhookSignature({ secret: SECRET, headers: req.headers, rawBody });
      res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' }).end(JSON.stringify({ ok }));
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/actions`;
});
afterAll(() => new Promise((resolve) => receiver?.close(resolve)));

describe('verifyWebhookSignature', () => {
  let delivery: Received;

  beforeAll(async () => {
    const outcome = await sendActionWebhook({ url, secret: SECRET, action: 'send_reply', args: { text: 'Grüße ✓', n: 1.5 }, idempotencyKey: 'run:reply:1', runId: 'run-1', stepId: 'reply', timeoutMs: 5000, mode: 'execute' });
    // The receiver answered 200: it verified the runner's real request with the SDK.
    expect(outcome).toMatchObject({ ok: true, output: { delivered: true, status: 200, response: { ok: true } } });
    delivery = received.at(-1)!;
  });

  it('accepts the signature the runner sent, from Node headers or fetch Headers', () => {
    expect(webhookSignatureProblem({ secret: SECRET, headers: delivery.headers, rawBody: delivery.rawBody })).toBeNull();
    const headers = new Headers({ 'X-Gatehouse-Timestamp': String(delivery.headers['x-gatehouse-timestamp']), 'X-Gatehouse-Signature': String(delivery.headers['x-gatehouse-signature']) });
    expect(verifyWebhookSignature({ secret: SECRET, headers, rawBody: delivery.rawBody.toString('utf8') })).toBe(true);
    // While rotating, either secret.
    expect(verifyWebhookSignature({ secret: ['old-secret', SECRET], headers: delivery.headers, rawBody: delivery.rawBody })).toBe(true);
  });

  it('rejects a tampered body, a wrong secret, an old timestamp and missing headers', () => {
    const tampered = Buffer.from(delivery.rawBody.toString().replace('send_reply', 'send_refund'));
    expect(webhookSignatureProblem({ secret: SECRET, headers: delivery.headers, rawBody: tampered })).toBe('signature_mismatch');
    // Re-serialised JSON is not the raw body.
    expect(verifyWebhookSignature({ secret: SECRET, headers: delivery.headers, rawBody: JSON.stringify(JSON.parse(delivery.rawBody.toString()), null, 1) })).toBe(false);
    expect(webhookSignatureProblem({ secret: 'wrong', headers: delivery.headers, rawBody: delivery.rawBody })).toBe('signature_mismatch');
    const sentAt = Number(delivery.headers['x-gatehouse-timestamp']) * 1000;
    expect(webhookSignatureProblem({ secret: SECRET, headers: delivery.headers, rawBody: delivery.rawBody, now: sentAt + 301_000 })).toBe('timestamp_outside_tolerance');
    expect(webhookSignatureProblem({ secret: SECRET, headers: delivery.headers, rawBody: delivery.rawBody, now: sentAt + 301_000, toleranceSeconds: 600 })).toBeNull();
    expect(webhookSignatureProblem({ secret: SECRET, headers: {}, rawBody: delivery.rawBody })).toBe('missing_headers');
    expect(webhookSignatureProblem({ secret: SECRET, headers: { ...delivery.headers, 'x-gatehouse-timestamp': '17e8' }, rawBody: delivery.rawBody })).toBe('malformed_timestamp');
  });

  it('a replayed request with a new timestamp but the old signature fails', () => {
    const fresh = String(Number(delivery.headers['x-gatehouse-timestamp']) + 60);
    expect(webhookSignatureProblem({ secret: SECRET, headers: { ...delivery.headers, 'x-gatehouse-timestamp': fresh }, rawBody: delivery.rawBody })).toBe('signature_mismatch');
  });

  it('signs exactly as the server does', () => {
    for (const body of ['{}', '{"a":"ü"}', Buffer.from('raw bytes \u0000')]) {
      expect(signWebhookPayload(SECRET, 1_767_225_600, body)).toBe(serverSign(SECRET, 1_767_225_600, body));
    }
  });
});
