import { SIGNATURE_HEADER, signWebhookPayload, TIMESTAMP_HEADER } from '@gatehouse/domain';
import http from 'node:http';
import https from 'node:https';

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
 * Keep-alive agents shared by every send of the process: a receiver gets one connection per
 * concurrent step instead of one per request. node:http rather than fetch: fetch's web streams
 * cost several times the CPU of the request itself at the runner's volume (docs/benchmarks.md).
 */
const AGENTS = { 'http:': new http.Agent({ keepAlive: true, maxSockets: 64 }), 'https:': new https.Agent({ keepAlive: true, maxSockets: 64 }) } as const;

/**
 * Everything Gatehouse sends to a receiver goes out the same way: POST of JSON bytes signed with
 * the timestamp and HMAC of webhook-signature.ts (X-Gatehouse-Timestamp / -Signature), with a
 * deadline, never following a redirect (node:http does not; it could carry the signed body
 * somewhere unintended), reading at most `readLimitBytes` of the answer (a receiver cannot make
 * us buffer megabytes). Never throws; callers decide what each outcome means for them.
 */
export function postSigned(req: SignedPostRequest): Promise<SignedPostResult> {
  const timestamp = Math.floor(Date.now() / 1000);
  const deadline = AbortSignal.timeout(req.timeoutMs);
  const signal = req.signal ? AbortSignal.any([req.signal, deadline]) : deadline;
  const failed = (err: unknown): SignedPostResult => {
    if (deadline.aborted) return { kind: 'timed_out' };
    if (req.signal?.aborted) return { kind: 'aborted' };
    const code = err !== null && typeof err === 'object' && 'code' in err && typeof err.code === 'string' ? err.code : null;
    return { kind: 'unreachable', code, detail: code ?? (err instanceof Error ? err.message : String(err)) };
  };
  return new Promise((resolve) => {
    let url: URL;
    try {
      url = new URL(req.url);
    } catch (err) {
      resolve(failed(err));
      return;
    }
    const transport = url.protocol === 'https:' ? https : http;
    const body = Buffer.from(req.body, 'utf8');
    const request = transport.request(
      url,
      {
        method: 'POST',
        agent: AGENTS[url.protocol === 'https:' ? 'https:' : 'http:'],
        signal,
        headers: {
          'content-type': 'application/json',
          'content-length': String(body.byteLength),
          ...req.headers,
          [TIMESTAMP_HEADER]: String(timestamp),
          [SIGNATURE_HEADER]: signWebhookPayload(req.secret, timestamp, req.body),
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        let truncated = false;
        const done = () => {
          const text = Buffer.concat(chunks).subarray(0, req.readLimitBytes).toString('utf8');
          resolve({ kind: 'answered', status: response.statusCode ?? 0, answer: { text, truncated } });
        };
        response.on('data', (chunk: Buffer) => {
          if (truncated) return;
          chunks.push(chunk);
          size += chunk.byteLength;
          if (size > req.readLimitBytes) {
            truncated = true;
            // Enough read: drop the rest (and this connection) rather than download it.
            response.destroy();
            done();
          }
        });
        response.on('end', () => {
          if (!truncated) done();
        });
        response.on('error', (err) => {
          if (!truncated) resolve(failed(err));
        });
      },
    );
    request.on('error', (err) => resolve(failed(err)));
    request.end(body);
  });
}
