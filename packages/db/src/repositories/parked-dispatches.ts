import { STEP_DISPATCH_TOPIC } from '@gatehouse/domain';
import { OUTBOX_CHANNEL } from '../outbox/outbox.js';
import type { Tx } from './transaction.js';

/**
 * Resuming a paused workflow sends the runs parked at its kill switch back to the runners, in
 * the resume's own transaction: they go on from the step they stopped at, with the same
 * dispatch (and so the same fencing token) they were parked with.
 */
export async function releaseParkedDispatches(tx: Tx, workflowId: string): Promise<number> {
  const rows = (await tx.query(
    `WITH released AS (DELETE FROM parked_dispatches WHERE workflow_id = $1 RETURNING run_id, payload, parked_at)
     INSERT INTO outbox (topic, message_key, payload)
     SELECT $2, run_id::text, payload FROM released ORDER BY parked_at
     RETURNING id`,
    [workflowId, STEP_DISPATCH_TOPIC],
  )) as unknown[];
  if (rows.length > 0) await tx.query('SELECT pg_notify($1, $2)', [OUTBOX_CHANNEL, STEP_DISPATCH_TOPIC]);
  return rows.length;
}
