import { OUTBOX_CHANNEL, stageAuditEventsSql, stagedAuditEventsParam, type AppendAuditEventInput, type Tx } from '@gatehouse/db';
import { STEP_DISPATCH_TOPIC, stepDispatchMessage, type Run } from '@gatehouse/domain';

/*
 * The hot path of startRun, kept to as few round trips as correctness allows: integrators call
 * it for every case they hand over, and its latency is theirs.
 */

/** What the insert found: the run is in, the key belongs to another run, or the workflow moved on. */
export type InsertRunOutcome = 'inserted' | 'key_taken' | 'workflow_changed';

/**
 * Inserts the run, its first dispatch (transactional outbox, with the relay's wake-up) and its
 * staged audit events in ONE statement, so it is atomic without a transaction's BEGIN and
 * COMMIT round trips. With `challenger`, the challenger run that shadows it (and its dispatch)
 * go in the same statement, only if the live run does. It writes nothing when the idempotency
 * key is taken ('key_taken') or when the workflow's published version, rollout stage or
 * challenger is no longer the one the run was built from ('workflow_changed': read the
 * workflow again and rebuild the run).
 */
export async function insertRunWithFirstDispatch(
  db: Tx,
  run: Run,
  audit: readonly AppendAuditEventInput[],
  /** The workflow's challenger as the run was built from it (null: none); part of the guard. */
  workflowChallenger: { versionId: string; sharePercent: number } | null,
  challenger: Run | null,
  /** W3C trace context the runner continues (unset: tracing off). */
  traceparent?: string,
): Promise<InsertRunOutcome> {
  const trace = traceparent ? { traceparent } : {};
  const dispatch = stepDispatchMessage({ runId: run.id, stepId: run.currentStepId!, cause: 'started', seq: run.dispatchSeq, ...trace });
  const challengerDispatch = challenger ? stepDispatchMessage({ runId: challenger.id, stepId: challenger.currentStepId!, cause: 'started', seq: challenger.dispatchSeq, ...trace }) : null;
  const rows = (await db.query(
    `WITH current AS (
       SELECT EXISTS (SELECT 1 FROM workflows w WHERE w.id = $2 AND w.published_version_id = $3 AND w.rollout_stage = $4
                                                  AND w.challenger_version_id IS NOT DISTINCT FROM $18::uuid
                                                  AND w.challenger_share IS NOT DISTINCT FROM $23::numeric) AS ok
     ), inserted AS (
       INSERT INTO runs (id, workflow_id, version_id, mode, status, input, input_hash, idempotency_key, external_ref,
                         current_step_id, dispatch_seq, created_by, created_at, updated_at)
       SELECT $1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9, $10, $11, $12, $13, $13 FROM current WHERE current.ok
       ON CONFLICT (workflow_id, idempotency_key) DO NOTHING
       RETURNING id
     ), challenger AS (
       INSERT INTO runs (id, workflow_id, version_id, mode, status, input, input_hash, idempotency_key, external_ref,
                         current_step_id, dispatch_seq, created_by, created_at, updated_at, champion_run_id)
       SELECT $19::uuid, $2, $24::uuid, $25, $26, $6::jsonb, $7, $20, $9, $21, $27::int, $12, $13, $13, i.id
         FROM inserted i WHERE $19::uuid IS NOT NULL
       RETURNING id
     ), dispatched AS (
       INSERT INTO outbox (topic, message_key, payload)
       SELECT $14, id::text, $15::jsonb FROM inserted
       UNION ALL
       SELECT $14, id::text, $22::jsonb FROM challenger
       RETURNING id
     ), staged AS (
       ${stageAuditEventsSql(17, 'EXISTS (SELECT 1 FROM inserted)')}
     )
     SELECT c.ok AS current, n.id AS dispatched
     FROM current c LEFT JOIN (SELECT d.id, pg_notify($16, $14) FROM dispatched d LIMIT 1) n ON true`,
    [
      run.id, run.workflowId, run.versionId, run.mode, run.status, JSON.stringify(run.input), run.inputHash, run.idempotencyKey, run.externalRef,
      run.currentStepId, run.dispatchSeq, run.createdBy, run.createdAt, STEP_DISPATCH_TOPIC, JSON.stringify(dispatch), OUTBOX_CHANNEL,
      stagedAuditEventsParam(audit), workflowChallenger?.versionId ?? null, challenger?.id ?? null, challenger?.idempotencyKey ?? null, challenger?.currentStepId ?? null,
      challengerDispatch ? JSON.stringify(challengerDispatch) : null, workflowChallenger?.sharePercent ?? null, challenger?.versionId ?? null,
      challenger?.mode ?? null, challenger?.status ?? null, challenger?.dispatchSeq ?? null,
    ],
  )) as Array<{ current: boolean; dispatched: string | null }>;
  const [row] = rows;
  if (!row?.current) return 'workflow_changed';
  return row.dispatched === null ? 'key_taken' : 'inserted';
}
