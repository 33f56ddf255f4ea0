import { createHmac, timingSafeEqual } from 'node:crypto';

/*
 * The signature on everything Gatehouse sends out (action webhooks from the runner, event
 * subscription deliveries): `X-Gatehouse-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>`
 * with the Unix timestamp (seconds) in `X-Gatehouse-Timestamp`. The server signs with
 * packages/domain's webhook-signature.ts; a test (webhook-signature.int.test.ts) holds the two
 * to the same scheme. The SDK keeps its own copy so integrators need nothing of the server's.
 */
export const SIGNATURE_HEADER = 'x-gatehouse-signature';
export const TIMESTAMP_HEADER = 'x-gatehouse-timestamp';
/** The replay window the server's docs recommend: 5 minutes either way. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

/** Node's IncomingHttpHeaders, a fetch Headers, or a plain object (names in any case). */
export type WebhookHeaders = Headers | Record<string, string | string[] | undefined>;

export interface VerifyWebhookSignatureInput {
  /** The subscription's (or action webhook's) secret; several while rotating. */
  secret: string | readonly string[];
  headers: WebhookHeaders;
  /** The body exactly as received: parsing and re-serialising JSON changes the bytes and breaks the signature. */
  rawBody: string | Uint8Array;
  /** Accept timestamps this far from now, either way; default 300 s. */
  toleranceSeconds?: number;
  /** Milliseconds since the epoch; default Date.now(). */
  now?: number;
}

export type WebhookSignatureProblem = 'missing_headers' | 'malformed_timestamp' | 'timestamp_outside_tolerance' | 'signature_mismatch';

/** `v1=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`, as the server signs (e.g. for a test of your receiver). */
export function signWebhookPayload(secret: string, timestamp: number | string, body: string | Uint8Array): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex')}`;
}

/** What is wrong with a delivery's signature, or null when it is genuine and fresh. */
export function webhookSignatureProblem(input: VerifyWebhookSignatureInput): WebhookSignatureProblem | null {
  const timestamp = header(input.headers, TIMESTAMP_HEADER);
  const signature = header(input.headers, SIGNATURE_HEADER);
  if (timestamp === undefined || signature === undefined) return 'missing_headers';
  if (!/^\d{1,12}$/.test(timestamp)) return 'malformed_timestamp';
  const now = input.now ?? Date.now();
  if (Math.abs(now / 1000 - Number(timestamp)) > (input.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS)) return 'timestamp_outside_tolerance';
  const given = signature.split(',').map((s) => Buffer.from(s.trim(), 'utf8'));
  const secrets = typeof input.secret === 'string' ? [input.secret] : input.secret;
  for (const secret of secrets) {
    const expected = Buffer.from(signWebhookPayload(secret, timestamp, input.rawBody), 'utf8');
    // timingSafeEqual needs equal lengths; the length of a hex digest is no secret.
    if (given.some((g) => g.length === expected.length && timingSafeEqual(g, expected))) return null;
  }
  return 'signature_mismatch';
}

/**
 * True only for a delivery Gatehouse signed with this secret within the tolerance. Answer 401
 * (and do nothing) otherwise; `webhookSignatureProblem` says why.
 */
export function verifyWebhookSignature(input: VerifyWebhookSignatureInput): boolean {
  return webhookSignatureProblem(input) === null;
}

function header(headers: WebhookHeaders, name: string): string | undefined {
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const record = headers as Record<string, string | string[] | undefined>;
  const key = Object.keys(record).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : record[key];
  // Two headers of the same name are no signature we made.
  return typeof value === 'string' ? value : undefined;
}
