import { type GatehouseError } from './gatehouse-error.js';

export interface RetryOptions {
  /** Further tries after the first; 0 turns retrying off. Default 3. */
  retries: number;
  /** Delay before the first retry; doubles each time, with jitter. Default 250 ms. */
  minDelayMs: number;
  /** Longest delay between tries, also the cap on a server's Retry-After. Default 10 s. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryOptions = { retries: 3, minDelayMs: 250, maxDelayMs: 10_000 };

/**
 * Worth another try: the server said "not now" (RATE_LIMITED, a 5xx, a masked internal error) or
 * did not answer (network, timeout). Everything else will fail the same way again.
 */
export function isRetryable(error: GatehouseError): boolean {
  if (['RATE_LIMITED', 'NETWORK_ERROR', 'TIMEOUT', 'INTERNAL_SERVER_ERROR'].includes(error.code)) return true;
  return error.status !== undefined && error.status >= 500;
}

/** Milliseconds before retry number `retry` (1-based): exponential, jittered between half and all of it, at least the server's Retry-After. */
export function retryDelayMs(options: RetryOptions, retry: number, error: GatehouseError, random: () => number = Math.random): number {
  const exponential = Math.min(options.maxDelayMs, options.minDelayMs * 2 ** (retry - 1));
  const jittered = exponential / 2 + random() * (exponential / 2);
  const serverSays = error.retryAfterSeconds !== undefined ? error.retryAfterSeconds * 1000 : 0;
  return Math.min(options.maxDelayMs, Math.max(jittered, serverSays));
}
