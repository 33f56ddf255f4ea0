import { enqueueOutbox } from '../outbox/outbox.js';
import { STEP_DISPATCH_TOPIC, stepDispatchMessage, type StepDispatch } from '@gatehouse/domain';
import { currentTraceparent } from '@gatehouse/telemetry';
import type { Tx } from './transaction.js';

/**
 * Transactional outbox: the dispatch commits with the state change or not at all. It carries the
 * active trace (a person's decision in the API, a replay), so the steps it leads to continue that
 * trace; without tracing configured there is none and nothing is added.
 */
export async function dispatchStep(tx: Tx, dispatch: Omit<StepDispatch, 'v'>): Promise<void> {
  const traceparent = dispatch.traceparent ?? currentTraceparent();
  const message = stepDispatchMessage(traceparent ? { ...dispatch, traceparent } : dispatch);
  await enqueueOutbox(tx, { topic: STEP_DISPATCH_TOPIC, key: dispatch.runId, payload: message as unknown as Record<string, unknown> });
}
