import type { RequeueCause, Run } from './run.js';

/** The step transport's topic for run dispatches (Kafka topic name / outbox topic). */
export const STEP_DISPATCH_TOPIC = 'gatehouse.step-dispatch';

/** started: the run's first step; advanced: the step after one that succeeded. */
export type DispatchCause = 'started' | 'advanced' | RequeueCause;
const CAUSES: readonly DispatchCause[] = ['started', 'advanced', 'retry', 'approval_granted', 'exception_retry', 'exception_override'];

/**
 * "Run this run's current step": written to the outbox in the same transaction as the state
 * change that makes it necessary. New fields must be optional so messages already queued
 * still parse during a rolling deploy.
 */
export interface StepDispatch {
  v: 1;
  runId: string;
  stepId: string;
  cause: DispatchCause;
  /** The approval or exception whose decision caused this dispatch, if any. */
  decisionId?: string;
  /** The run's dispatch_seq when this was written; absent in messages from before the runner. */
  seq?: number;
  /** 1-based automatic try of this step since the last start or human decision. */
  try?: number;
  /** W3C trace context of the span that wrote this dispatch, so the runner continues its trace. */
  traceparent?: string;
}

export type ParsedDispatch = { ok: true; dispatch: StepDispatch } | { ok: false; reason: string; runId: string | null };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const positiveInt = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v > 0;
const TRACEPARENT = /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

/**
 * Decodes a message from the transport. Anything that is not a well-formed dispatch is reported
 * with the reason (and the run id when one can be read) so it can be dead-lettered, never retried.
 */
export function parseStepDispatch(raw: string): ParsedDispatch {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return { ok: false, reason: 'not JSON', runId: null };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { ok: false, reason: 'not a JSON object', runId: null };
  const m = value as Record<string, unknown>;
  const runId = typeof m.runId === 'string' && UUID.test(m.runId) ? m.runId.toLowerCase() : null;
  const fail = (reason: string): ParsedDispatch => ({ ok: false, reason, runId });
  if (m.v !== 1) return fail(`unsupported message version ${JSON.stringify(m.v)}`);
  if (!runId) return fail('runId is not a uuid');
  if (typeof m.stepId !== 'string' || m.stepId.length === 0) return fail('stepId is missing');
  if (!CAUSES.includes(m.cause as DispatchCause)) return fail(`unknown cause ${JSON.stringify(m.cause)}`);
  if (m.decisionId !== undefined && (typeof m.decisionId !== 'string' || !UUID.test(m.decisionId))) return fail('decisionId is not a uuid');
  if (m.seq !== undefined && !positiveInt(m.seq)) return fail('seq is not a positive integer');
  if (m.try !== undefined && !positiveInt(m.try)) return fail('try is not a positive integer');
  return {
    ok: true,
    dispatch: {
      v: 1,
      runId,
      stepId: m.stepId,
      cause: m.cause as DispatchCause,
      ...(m.decisionId !== undefined ? { decisionId: (m.decisionId as string).toLowerCase() } : {}),
      ...(m.seq !== undefined ? { seq: m.seq as number } : {}),
      ...(m.try !== undefined ? { try: m.try as number } : {}),
      // Tracing is best effort: a malformed trace context is dropped, never a reason to dead-letter a step.
      ...(typeof m.traceparent === 'string' && TRACEPARENT.test(m.traceparent) ? { traceparent: m.traceparent } : {}),
    },
  };
}

/** The message for a dispatch, in its current version. */
export function stepDispatchMessage(dispatch: Omit<StepDispatch, 'v'>): StepDispatch {
  return { v: 1, ...dispatch };
}

/**
 * Is this dispatch the one the run is waiting for? Anything else (a redelivery of a dispatch
 * already done, a run that was cancelled, decided or moved on) is to be acknowledged and
 * ignored: that is what makes at-least-once delivery safe.
 */
export function isCurrentDispatch(run: Pick<Run, 'status' | 'currentStepId' | 'dispatchSeq'>, dispatch: StepDispatch): boolean {
  if (run.status !== 'queued' && run.status !== 'running') return false;
  if (run.currentStepId !== dispatch.stepId) return false;
  return dispatch.seq === undefined || dispatch.seq === run.dispatchSeq;
}

/**
 * The idempotency key an action is sent with: the one its step already used, so redeliveries
 * and automatic retries never look like a new action to the receiver; a person's explicit
 * retry is a new action by intent and gets a new key.
 */
export function actionIdempotencyKey(dispatch: StepDispatch, attempt: number, previousKey: string | null): string {
  if (previousKey && dispatch.cause !== 'exception_retry') return previousKey;
  return `${dispatch.runId}:${dispatch.stepId}:${attempt}`;
}
