import { enqueueOutbox } from '../outbox/outbox.js';
import { STEP_DISPATCH_TOPIC, stepDispatchMessage, type StepDispatch } from '@gatehouse/domain';
import type { Tx } from './transaction.js';

/** Transactional outbox: the dispatch commits with the state change or not at all. */
export async function dispatchStep(tx: Tx, dispatch: Omit<StepDispatch, 'v'>): Promise<void> {
  await enqueueOutbox(tx, { topic: STEP_DISPATCH_TOPIC, key: dispatch.runId, payload: stepDispatchMessage(dispatch) as unknown as Record<string, unknown> });
}
