import { SIGNATURE_HEADER, signWebhookPayload, TIMESTAMP_HEADER } from '@gatehouse/domain';
import { Agent, request } from 'undici';

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

/*
 * One keep-alive pool of connections per receiver origin, shared by every send of the process:
 * a receiver gets one connection per concurrent step instead of one per request. undici's
 * request() rather than node:http: half the CPU per call (action steps are the runner's largest
 * JavaScript cost in the bench), and rather than fetch, whose web streams cost several times the
 * request itself (docs/benchmarks.md).
 */
const DISPATCHER = new Agent({
  connections: 64,
  pipelining: 1,
  // undici's own limits (10 s to connect, 300 s for the headers and between body chunks) would
  // cut a step that may wait up to its timeoutMs short, as 'unreachable'; the deadline below
  // (AbortSignal.timeout) is the one limit, as it was with node:http.
  connectTimeout: 0,
  headersTimeout: 0,
  bodyTimeout: 0,
});

/**
 * Everything Gatehouse sends to a receiver goes out the same way: POST of JSON bytes signed with
 * the timestamp and HMAC of webhook-signature.ts (X-Gatehouse-Timestamp / -Signature), with a
 * deadline, never following a redirect (request() does not; a redirect could carry the signed
 * body somewhere unintended), reading at most `readLimitBytes` of the answer (a receiver cannot
 * make us buffer megabytes). Never throws; callers decide what each outcome means for them.
 */
export async function postSigned(req: SignedPostRequest): Promise<SignedPostResult> {
  const timestamp = Math.floor(Date.now() / 1000);
  const deadline = AbortSignal.timeout(req.timeoutMs);
  const signal = req.signal ? AbortSignal.any([req.signal, deadline]) : deadline;
  const failed = (err: unknown): SignedPostResult => {
    if (deadline.aborted) return { kind: 'timed_out' };
    if (req.signal?.aborted) return { kind: 'aborted' };
    const code = errorCode(err);
    return { kind: 'unreachable', code, detail: code ?? (err instanceof Error ? err.message : String(err)) };
  };
  let url: URL;
  try {
    url = new URL(req.url);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`unsupported protocol ${url.protocol}`);
  } catch (err) {
    return failed(err);
  }
  try {
    const response = await request(url, {
      method: 'POST',
      dispatcher: DISPATCHER,
      signal,
      body: req.body,
      headers: {
        'content-type': 'application/json',
        ...basicAuthHeader(url),
        ...req.headers,
        [TIMESTAMP_HEADER]: String(timestamp),
        [SIGNATURE_HEADER]: signWebhookPayload(req.secret, timestamp, req.body),
      },
    });
    const chunks: Buffer[] = [];
    let size = 0;
    let truncated = false;
    for await (const chunk of response.body as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      size += chunk.byteLength;
      if (size > req.readLimitBytes) {
        truncated = true;
        // Enough read: drop the rest (and this connection) rather than download it.
        response.body.destroy();
        break;
      }
    }
    const text = Buffer.concat(chunks).subarray(0, req.readLimitBytes).toString('utf8');
    return { kind: 'answered', status: response.statusCode, answer: { text, truncated } };
  } catch (err) {
    return failed(err);
  }
}

/**
 * Credentials in the configured URL (https://user:pass@host/…) as Basic authentication, as
 * node:http sent them; undici would drop them silently and the receiver would answer 401.
 */
function basicAuthHeader(url: URL): Record<string, string> {
  if (!url.username && !url.password) return {};
  const credentials = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
  return { authorization: `Basic ${Buffer.from(credentials, 'utf8').toString('base64')}` };
}

/**
 * The system error code (ECONNREFUSED, ENOTFOUND…) of a failed call. undici wraps a refused
 * connection in "fetch failed"-style errors on some paths: the code may sit on the cause.
 */
function errorCode(err: unknown): string | null {
  for (let e: unknown = err, depth = 0; e !== null && typeof e === 'object' && depth < 3; e = (e as { cause?: unknown }).cause, depth++) {
    if ('code' in e && typeof e.code === 'string' && !e.code.startsWith('UND_ERR_')) return e.code;
  }
  return err !== null && typeof err === 'object' && 'code' in err && typeof err.code === 'string' ? err.code : null;
}
