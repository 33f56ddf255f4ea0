import { performance } from 'node:perf_hooks';
import type { JsonValue } from '@gatehouse/domain';
import { currentTraceparent } from '@gatehouse/telemetry';
import { describeTarget, postSigned } from '../http/signed-post.js';
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

/*
 * One signing scheme for everything Gatehouse sends (packages/domain webhook-signature.ts); the
 * action-named aliases stay for the receivers and tests that import them from here.
 */
export { signWebhookPayload as signActionPayload, verifyWebhookSignature as verifyActionSignature, type VerifyWebhookSignatureInput as VerifyActionSignatureInput } from '@gatehouse/domain';

function responseValue({ text, truncated }: { text: string; truncated: boolean }): JsonValue {
  if (truncated) return `${text}…[truncated]`;
  if (text === '') return null;
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    return text;
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
  // Serialised once: the signature covers exactly the bytes that go on the wire.
  const body = JSON.stringify({
    action: req.action,
    args: req.args,
    runId: req.runId,
    stepId: req.stepId,
    idempotencyKey: req.idempotencyKey,
    sentAt: new Date(nowMs).toISOString(),
  });

  // The receiver can join the run's trace (W3C trace context); absent when tracing is off.
  const traceparent = currentTraceparent();
  const sent = await postSigned({
    url: req.url,
    secret: req.secret,
    body,
    headers: { 'Idempotency-Key': req.idempotencyKey, 'User-Agent': 'gatehouse-runner', ...(traceparent ? { traceparent } : {}) },
    timeoutMs: req.timeoutMs,
    ...(req.signal ? { signal: req.signal } : {}),
    readLimitBytes: RESPONSE_LIMIT_BYTES,
  });
  if (sent.kind === 'answered') {
    const answer = responseValue(sent.answer);
    const status = sent.status;
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
  }
  if (sent.kind === 'timed_out' || sent.kind === 'aborted') {
    return {
      ok: false,
      reason: 'timeout',
      // Safe to retry: the receiver deduplicates on the Idempotency-Key.
      retryable: true,
      message: sent.kind === 'aborted' ? `${target} aborted by the runner` : `${target} timed out after ${req.timeoutMs} ms`,
      trace: trace(),
    };
  }
  return {
    ok: false,
    reason: 'tool_error',
    retryable: true,
    message: `${target} could not be reached: ${sent.detail}`,
    details: sent.code ? { code: sent.code } : {},
    trace: trace(),
  };
}
