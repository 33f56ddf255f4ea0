import { SIGNATURE_HEADER, signWebhookPayload, TIMESTAMP_HEADER } from '@gatehouse/domain';

/** Reads at most the limit, then stops the download: a receiver cannot make us buffer megabytes. */
export async function readLimited(response: Response, limitBytes: number): Promise<{ text: string; truncated: boolean }> {
  if (!response.body) return { text: '', truncated: false };
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let truncated = false;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
    if (size > limitBytes) {
      truncated = true;
      await reader.cancel().catch(() => undefined);
      break;
    }
  }
  const bytes = Buffer.concat(chunks).subarray(0, limitBytes);
  return { text: new TextDecoder().decode(bytes), truncated };
}

/** Where a call went, without query string or credentials that may sit in the configured URL. */
export function describeTarget(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return '(invalid url)';
  }
}

export interface SignedPostRequest {
  url: string;
  secret: string;
  /** The exact bytes sent and signed. */
  body: string;
  /** Headers beyond content type, timestamp and signature (idempotency key, delivery id, traceparent…). */
  headers: Record<string, string>;
  timeoutMs: number;
  signal?: AbortSignal;
  /** How much of the receiver's answer to read. */
  readLimitBytes: number;
}

export type SignedPostResult =
  | { kind: 'answered'; status: number; answer: { text: string; truncated: boolean } }
  | { kind: 'timed_out' }
  /** The caller's signal stopped it (the process is shutting down). */
  | { kind: 'aborted' }
  | { kind: 'unreachable'; detail: string; code: string | null };

/**
 * Everything Gatehouse sends to a receiver goes out the same way: POST of JSON bytes signed with
 * the timestamp and HMAC of webhook-signature.ts (X-Gatehouse-Timestamp / -Signature), with a
 * deadline, never following a redirect (it could carry the signed body somewhere unintended),
 * reading a bounded answer. Never throws; callers decide what each outcome means for them.
 */
export async function postSigned(req: SignedPostRequest): Promise<SignedPostResult> {
  const timestamp = Math.floor(Date.now() / 1000);
  const deadline = AbortSignal.timeout(req.timeoutMs);
  const signal = req.signal ? AbortSignal.any([req.signal, deadline]) : deadline;
  try {
    const response = await fetch(req.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...req.headers,
        [TIMESTAMP_HEADER]: String(timestamp),
        [SIGNATURE_HEADER]: signWebhookPayload(req.secret, timestamp, req.body),
      },
      body: req.body,
      signal,
      redirect: 'manual',
    });
    return { kind: 'answered', status: response.status, answer: await readLimited(response, req.readLimitBytes) };
  } catch (err) {
    if (deadline.aborted) return { kind: 'timed_out' };
    if (req.signal?.aborted) return { kind: 'aborted' };
    // undici reports "fetch failed" and puts the useful part (ECONNREFUSED, DNS...) in the cause.
    const cause = err instanceof Error && err.cause instanceof Error ? err.cause : undefined;
    const code = cause && 'code' in cause && typeof cause.code === 'string' ? cause.code : null;
    return { kind: 'unreachable', code, detail: code ?? cause?.message ?? (err instanceof Error ? err.message : String(err)) };
  }
}
