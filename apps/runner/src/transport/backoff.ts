/** Exponential backoff: base, 2×base, 4×base … capped; `attempt` counts from 1. */
export function backoffMs(attempt: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
