import { describe, expect, it } from 'vitest';
import { signWebhookPayload, verifyWebhookSignature } from './webhook-signature.js';

describe('webhook signatures', () => {
  const secret = 'whsec_test_secret_value';
  const body = '{"id":"e1","type":"run.completed"}';
  const now = 1_750_000_000_000;
  const ts = String(Math.floor(now / 1000));
  const signature = signWebhookPayload(secret, ts, body);

  it('is the HMAC-SHA256 of "<timestamp>.<body>" in hex, prefixed v1=', () => {
    expect(signature).toMatch(/^v1=[0-9a-f]{64}$/);
    expect(signWebhookPayload(secret, ts, Buffer.from(body))).toBe(signature);
  });

  it('verifies within the 5-minute window and refuses outside it, tampered bodies and other secrets', () => {
    expect(verifyWebhookSignature({ secret, timestampHeader: ts, signatureHeader: signature, body, now })).toBe(true);
    expect(verifyWebhookSignature({ secret, timestampHeader: ts, signatureHeader: signature, body, now: now + 299_000 })).toBe(true);
    expect(verifyWebhookSignature({ secret, timestampHeader: ts, signatureHeader: signature, body, now: now + 301_000 })).toBe(false);
    expect(verifyWebhookSignature({ secret, timestampHeader: ts, signatureHeader: signature, body: body.replace('e1', 'e2'), now })).toBe(false);
    expect(verifyWebhookSignature({ secret: 'other', timestampHeader: ts, signatureHeader: signature, body, now })).toBe(false);
    expect(verifyWebhookSignature({ secret, timestampHeader: String(Number(ts) + 1), signatureHeader: signature, body, now })).toBe(false);
    expect(verifyWebhookSignature({ secret, timestampHeader: undefined, signatureHeader: signature, body, now })).toBe(false);
  });

  it('accepts any of several comma-separated signatures (secret rotation)', () => {
    const both = `${signWebhookPayload('old-secret', ts, body)}, ${signature}`;
    expect(verifyWebhookSignature({ secret, timestampHeader: ts, signatureHeader: both, body, now })).toBe(true);
  });
});
