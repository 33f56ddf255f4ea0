import { hostOf, isIpLiteral, isPublicAddress, validateWebhookUrl, type DomainError } from '@gatehouse/domain';
import type { WebhookAttemptResult } from '@gatehouse/db';
import { lookup } from 'node:dns/promises';
import { performance } from 'node:perf_hooks';
import { describeTarget, postSigned } from '../http/signed-post.js';

export const DELIVERY_HEADER = 'X-Gatehouse-Delivery';
export const EVENT_HEADER = 'X-Gatehouse-Event';

/** Attempts keep this much of the receiver's answer: enough to debug, bounded in the table. */
export const RESPONSE_EXCERPT_BYTES = 1024;

export interface WebhookSendRequest {
  url: string;
  secret: string;
  deliveryId: string;
  eventType: string;
  /** The exact bytes sent and signed. */
  body: string;
  timeoutMs: number;
  allowPrivateTargets: boolean;
  signal?: AbortSignal;
}

/**
 * One attempt: POST the body signed (timestamp and HMAC, docs/webhooks.md) with the stable
 * delivery id receivers de-duplicate on; redirects are not followed (they could carry the
 * signed body elsewhere). Any 2xx is success; everything else, a timeout or a network error is
 * a failure the retry policy decides about. Never throws.
 */
export async function sendWebhook(req: WebhookSendRequest): Promise<WebhookAttemptResult> {
  const started = performance.now();
  const result = (fields: Partial<WebhookAttemptResult> & { ok: boolean }): WebhookAttemptResult => ({
    responseStatus: null,
    responseBody: null,
    error: null,
    ...fields,
    latencyMs: Math.round(performance.now() - started),
  });
  const refused = await refusedTarget(req.url, req.allowPrivateTargets);
  if (refused) return result({ ok: false, error: refused });

  const sent = await postSigned({
    url: req.url,
    secret: req.secret,
    body: req.body,
    headers: { 'User-Agent': 'gatehouse-webhooks', [DELIVERY_HEADER]: req.deliveryId, [EVENT_HEADER]: req.eventType },
    timeoutMs: req.timeoutMs,
    ...(req.signal ? { signal: req.signal } : {}),
    readLimitBytes: RESPONSE_EXCERPT_BYTES,
  });
  switch (sent.kind) {
    case 'answered': {
      const { text, truncated } = sent.answer;
      const ok = sent.status >= 200 && sent.status < 300;
      return result({
        ok,
        responseStatus: sent.status,
        responseBody: text === '' ? null : truncated ? `${text.slice(0, RESPONSE_EXCERPT_BYTES - 1)}…` : text,
        error: ok ? null : `${describeTarget(req.url)} answered ${sent.status}`,
      });
    }
    case 'timed_out':
      return result({ ok: false, error: `timed out after ${req.timeoutMs} ms` });
    case 'aborted':
      return result({ ok: false, error: 'aborted: the dispatcher is stopping' });
    case 'unreachable':
      return result({ ok: false, error: `could not reach ${describeTarget(req.url)}: ${sent.detail}` });
  }
}

/**
 * The API checked the URL when it was registered; this checks again where the request goes
 * now (a host name can be pointed at an internal address later). A rebinding between this
 * lookup and fetch's own remains possible: production deployments also restrict egress.
 */
async function refusedTarget(url: string, allowPrivate: boolean): Promise<string | null> {
  try {
    const parsed = validateWebhookUrl(url, { allowPrivate });
    if (allowPrivate) return null;
    const host = hostOf(parsed);
    if (isIpLiteral(host)) return null;
    const addresses = await lookup(host, { all: true });
    const internal = addresses.find((a) => !isPublicAddress(a.address));
    return internal ? `refused: ${host} resolves to the non-public address ${internal.address}` : null;
  } catch (err) {
    const message = (err as DomainError | Error).message;
    return `refused: ${message}`;
  }
}
