import { createHmac, timingSafeEqual } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { JsonValue } from '@gatehouse/domain';
import { emptyTrace, type ExecutorOutcome, type StepTrace } from './step-result.js';

export interface ActionWebhookRequest {
  url: string;
  secret: string;
  action: string;
  args: JsonValue;
  /** Stable per (run, step, attempt): the receiver uses it so a redelivery never acts twice. */
  idempotencyKey: string;
  runId: string;
  stepId: string;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Only execute-mode runs call out; shadow and draft runs must never reach this function. */
  mode?: 'execute';
}

/** Receivers see at most this much of their own answer echoed in the step output. */
const RESPONSE_LIMIT_BYTES = 4096;

/** `v1=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>` — the value of X-Gatehouse-Signature. */
export function signActionPayload(secret: string, timestamp: number | string, body: string | Uint8Array): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex')}`;
}

export interface VerifyActionSignatureInput {
  secret: string;
  timestampHeader: string | string[] | null | undefined;
  signatureHeader: string | string[] | null | undefined;
  /** The raw request body exactly as received (re-serialising parsed JSON breaks the signature). */
  body: string | Uint8Array;
  /** The receiver's replay window. */
  toleranceSeconds?: number;
  now?: number;
}

/**
 * For receivers (the demo action receiver, fault tests): true only when the signature matches
 * and the timestamp lies within the tolerance, so a captured request cannot be replayed later.
 * Several comma-separated `v1=` values are accepted, which allows rotating secrets.
 */
export function verifyActionSignature(input: VerifyActionSignatureInput): boolean {
  const { secret, timestampHeader, signatureHeader, body, toleranceSeconds = 300, now = Date.now() } = input;
  if (typeof timestampHeader !== 'string' || typeof signatureHeader !== 'string') return false;
  if (!/^\d{1,12}$/.test(timestampHeader)) return false;
  if (Math.abs(now / 1000 - Number(timestampHeader)) > toleranceSeconds) return false;
  const expected = Buffer.from(signActionPayload(secret, timestampHeader, body), 'utf8');
  let matched = false;
  for (const candidate of signatureHeader.split(',')) {
    const given = Buffer.from(candidate.trim(), 'utf8');
    // timingSafeEqual needs equal lengths; the length of a hex digest is no secret.
    if (given.length === expected.length && timingSafeEqual(given, expected)) matched = true;
  }
  return matched;
}

/** Reads at most the limit, then stops the download: a receiver cannot make us buffer megabytes. */
async function readLimited(response: Response): Promise<{ text: string; truncated: boolean }> {
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
    if (size > RESPONSE_LIMIT_BYTES) {
      truncated = true;
      await reader.cancel().catch(() => undefined);
      break;
    }
  }
  const bytes = Buffer.concat(chunks).subarray(0, RESPONSE_LIMIT_BYTES);
  return { text: new TextDecoder().decode(bytes), truncated };
}

function responseValue({ text, truncated }: { text: string; truncated: boolean }): JsonValue {
  if (truncated) return `${text}…[truncated]`;
  if (text === '') return null;
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    return text;
  }
}

/** Where the call went, without query string or credentials that may sit in the configured URL. */
function describeTarget(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return '(invalid url)';
  }
}

export async function sendActionWebhook(req: ActionWebhookRequest): Promise<ExecutorOutcome> {
  const started = performance.now();
  const trace = (): StepTrace => emptyTrace({ provider: 'webhook', latencyMs: Math.round(performance.now() - started) });
  const target = `action "${req.action}" at ${describeTarget(req.url)}`;
  if (!URL.canParse(req.url) || !/^https?:$/.test(new URL(req.url).protocol)) {
    // A configuration mistake: retrying cannot fix it.
    return { ok: false, reason: 'tool_error', retryable: false, message: `${target}: not an http(s) URL`, trace: trace() };
  }

  const nowMs = Date.now();
  const timestamp = Math.floor(nowMs / 1000);
  // Serialised once: the signature covers exactly the bytes that go on the wire.
  const body = JSON.stringify({
    action: req.action,
    args: req.args,
    runId: req.runId,
    stepId: req.stepId,
    idempotencyKey: req.idempotencyKey,
    sentAt: new Date(nowMs).toISOString(),
  });

  const deadline = AbortSignal.timeout(req.timeoutMs);
  const signal = req.signal ? AbortSignal.any([req.signal, deadline]) : deadline;
  try {
    const response = await fetch(req.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'Idempotency-Key': req.idempotencyKey,
        'X-Gatehouse-Timestamp': String(timestamp),
        'X-Gatehouse-Signature': signActionPayload(req.secret, timestamp, body),
        'User-Agent': 'gatehouse-runner',
      },
      body,
      signal,
      redirect: 'manual', // a redirect could carry the signed body somewhere unintended
    });
    const answer = responseValue(await readLimited(response));
    const status = response.status;
    if (status >= 200 && status < 300) {
      return { ok: true, output: { delivered: true, status, response: answer }, trace: trace() };
    }
    // 408/425/429/5xx say "not now"; any other answer (4xx, or a redirect we refuse to follow)
    // will be the same on retry and needs a person.
    const retryable = status === 408 || status === 425 || status === 429 || status >= 500;
    const snippet = typeof answer === 'string' ? answer : JSON.stringify(answer);
    return {
      ok: false,
      reason: 'tool_error',
      retryable,
      message: `${target} answered ${status}${snippet ? `: ${snippet.slice(0, 300)}` : ''}`,
      details: { status, response: answer },
      trace: trace(),
    };
  } catch (err) {
    if (deadline.aborted || req.signal?.aborted) {
      const byCaller = req.signal?.aborted === true && !deadline.aborted;
      return {
        ok: false,
        reason: 'timeout',
        // Safe to retry: the receiver deduplicates on the Idempotency-Key.
        retryable: true,
        message: byCaller ? `${target} aborted by the runner` : `${target} timed out after ${req.timeoutMs} ms`,
        trace: trace(),
      };
    }
    // undici reports "fetch failed" and puts the useful part (ECONNREFUSED, DNS...) in the cause.
    const cause = err instanceof Error && err.cause instanceof Error ? err.cause : undefined;
    const code = cause && 'code' in cause && typeof cause.code === 'string' ? cause.code : undefined;
    const detail = code ?? cause?.message ?? (err instanceof Error ? err.message : String(err));
    return {
      ok: false,
      reason: 'tool_error',
      retryable: true,
      message: `${target} could not be reached: ${detail}`,
      details: code ? { code } : {},
      trace: trace(),
    };
  }
}
