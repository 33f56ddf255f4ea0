import type { ExceptionReason, JsonValue } from '@gatehouse/domain';

/**
 * What the runner records on the step attempt for every executor call, successful or not:
 * the trace is how a reviewer (and the cost metrics) see what a step did and what it cost.
 */
export interface StepTrace {
  provider: string | null;
  model: string | null;
  promptVersion: string | null;
  tokensIn: number | null;
  tokensOut: number | null;
  costUsd: number | null;
  latencyMs: number;
  confidence: number | null;
}

/** A trace with nothing measured yet; executors fill in what they know. */
export function emptyTrace(fields: Partial<StepTrace> = {}): StepTrace {
  return { provider: null, model: null, promptVersion: null, tokensIn: null, tokensOut: null, costUsd: null, latencyMs: 0, confidence: null, ...fields };
}

/**
 * The single result shape of all I/O executors. Executors never throw for expected failures:
 * they classify them into an exception reason and say whether a retry could help, and the
 * runner (through the domain's exception policy) decides what to do with that.
 */
export type ExecutorOutcome =
  | { ok: true; output: JsonValue; trace: StepTrace }
  | {
      ok: false;
      reason: ExceptionReason;
      retryable: boolean;
      message: string;
      details?: Record<string, JsonValue>;
      trace: StepTrace;
    };
