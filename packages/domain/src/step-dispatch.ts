import type { RequeueCause } from './run.js';

/** The step transport's topic for run dispatches (Kafka topic name / outbox topic). */
export const STEP_DISPATCH_TOPIC = 'gatehouse.step-dispatch';

/**
 * "Run this run's current step": written to the outbox in the same transaction as the state
 * change that makes it necessary. New fields must be optional so messages already queued
 * still parse during a rolling deploy.
 */
export interface StepDispatch {
  v: 1;
  runId: string;
  stepId: string;
  cause: 'started' | RequeueCause;
  /** The approval or exception whose decision caused this dispatch, if any. */
  decisionId?: string;
}
