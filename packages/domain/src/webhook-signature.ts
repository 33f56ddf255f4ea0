import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The one signing scheme of everything Gatehouse sends out (action webhooks from the runner,
 * event subscriptions): `X-Gatehouse-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`
 * with the Unix timestamp in `X-Gatehouse-Timestamp`. The timestamp is signed so a captured
 * request cannot be replayed outside the receiver's window.
 */
export const SIGNATURE_HEADER = 'X-Gatehouse-Signature';
export const TIMESTAMP_HEADER = 'X-Gatehouse-Timestamp';

/** The replay window receivers should apply (docs/webhooks.md): 5 minutes either way. */
export const DEFAULT_SIGNATURE_TOLERANCE_SECONDS = 300;

/** `v1=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>` — the value of X-Gatehouse-Signature. */
export function signWebhookPayload(secret: string, timestamp: number | string, body: string | Uint8Array): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex')}`;
}

export interface VerifyWebhookSignatureInput {
  secret: string;
  timestampHeader: string | string[] | null | undefined;
  signatureHeader: string | string[] | null | undefined;
  /** The raw request body exactly as received (re-serialising parsed JSON breaks the signature). */
  body: string | Uint8Array;
  /** The receiver's replay window; default 300 s. */
  toleranceSeconds?: number;
  /** Milliseconds since the epoch; default Date.now(). */
  now?: number;
}

/**
 * For receivers: true only when a signature matches and the timestamp lies within the
 * tolerance. Several comma-separated `v1=` values are accepted, which allows rotating secrets.
 */
export function verifyWebhookSignature(input: VerifyWebhookSignatureInput): boolean {
  const { secret, timestampHeader, signatureHeader, body, toleranceSeconds = DEFAULT_SIGNATURE_TOLERANCE_SECONDS, now = Date.now() } = input;
  if (typeof timestampHeader !== 'string' || typeof signatureHeader !== 'string') return false;
  if (!/^\d{1,12}$/.test(timestampHeader)) return false;
  if (Math.abs(now / 1000 - Number(timestampHeader)) > toleranceSeconds) return false;
  const expected = Buffer.from(signWebhookPayload(secret, timestampHeader, body), 'utf8');
  let matched = false;
  for (const candidate of signatureHeader.split(',')) {
    const given = Buffer.from(candidate.trim(), 'utf8');
    // timingSafeEqual needs equal lengths; the length of a hex digest is no secret.
    if (given.length === expected.length && timingSafeEqual(given, expected)) matched = true;
  }
  return matched;
}
