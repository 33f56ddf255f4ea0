import { OUTBOX_CHANNEL, type LockedAuditHead, type Tx } from '@gatehouse/db';
import { STEP_DISPATCH_TOPIC, stepDispatchMessage, type Run } from '@gatehouse/domain';

/*
 * The hot path of startRun, kept to as few round trips as correctness allows: integrators call
 * it for every case they hand over, and its latency is theirs.
 */

/**
 * Inserts the run and its first dispatch (transactional outbox, with the relay's wake-up) in one
 * statement, unless the idempotency key is taken: null means another run holds the key and
 * nothing was written. The same statement takes the audit chain's lock and returns its head, so
 * the run's audit event needs one more round trip, not two.
 */
export async function insertRunWithFirstDispatch(tx: Tx, run: Run): Promise<LockedAuditHead | null> {
  const dispatch = stepDispatchMessage({ runId: run.id, stepId: run.currentStepId!, cause: 'started', seq: run.dispatchSeq });
  const rows = (await tx.query(
    `WITH inserted AS (
       INSERT INTO runs (id, workflow_id, version_id, mode, status, input, input_hash, idempotency_key, external_ref,
                         current_step_id, dispatch_seq, created_by, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9, $10, $11, $12, $13, $13)
       ON CONFLICT (workflow_id, idempotency_key) DO NOTHING
       RETURNING id
     ), dispatched AS (
       INSERT INTO outbox (topic, message_key, payload) SELECT $14, id::text, $15::jsonb FROM inserted RETURNING id
     )
     SELECT d.id, pg_notify($16, $14), h.head_seq::text AS head_seq, h.head_hash FROM dispatched d, audit_lock_head() h`,
    [
      run.id, run.workflowId, run.versionId, run.mode, run.status, JSON.stringify(run.input), run.inputHash, run.idempotencyKey, run.externalRef,
      run.currentStepId, run.dispatchSeq, run.createdBy, run.createdAt, STEP_DISPATCH_TOPIC, JSON.stringify(dispatch), OUTBOX_CHANNEL,
    ],
  )) as LockedAuditHead[];
  return rows[0] ?? null;
}
