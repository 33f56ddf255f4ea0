import type { JsonValue } from './json-schema.js';
import type { RedactionSummary } from './redaction.js';
import type { StepKind } from './workflow-definition.js';

/** gated: the try ended by asking a person (an approval); the step runs again after the decision. */
export const STEP_ATTEMPT_STATUSES = ['running', 'succeeded', 'failed', 'gated'] as const;
export type StepAttemptStatus = (typeof STEP_ATTEMPT_STATUSES)[number];

/** One try at one step of one run: unique per (run, step, attempt), the trace's unit. */
export interface StepAttempt {
  id: string;
  runId: string;
  stepId: string;
  stepKind?: StepKind;
  attempt: number;
  status: StepAttemptStatus;
  input: JsonValue | null;
  output: JsonValue | null;
  provider: string | null;
  model: string | null;
  promptVersion: string | null;
  tokensIn: number | null;
  tokensOut: number | null;
  costUsd: number | null;
  latencyMs: number | null;
  confidence: number | null;
  validation: JsonValue | null;
  error: JsonValue | null;
  /** For actions: the Idempotency-Key sent to the receiver. */
  effectKey?: string | null;
  startedAt: Date;
  finishedAt: Date | null;
  /** What redaction replaced in the stored input/output/validation/error; null before redaction existed. */
  redactions?: RedactionSummary | null;
  /** When retention cleared input, output, validation and error. */
  payloadPurgedAt?: Date | null;
}
