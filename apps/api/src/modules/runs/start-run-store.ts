import { OUTBOX_CHANNEL, stageAuditEventsFromSql, stagedAuditEvents, type AppendAuditEventInput } from '@gatehouse/db';
import { STEP_DISPATCH_TOPIC, stepDispatchMessage, type Run } from '@gatehouse/domain';
import type { Pool } from 'pg';

/*
 * The hot path of startRun, kept to as few round trips as correctness allows: integrators call
 * it for every case they hand over, and its latency is theirs.
 */

/** What the insert found: the run is in, the key belongs to another run, or the workflow moved on. */
export type InsertRunOutcome = 'inserted' | 'key_taken' | 'workflow_changed';

/** One run to start, as the domain built it. */
export interface StartRunInsert {
  run: Run;
  /** Its audit events, staged for the chain (see stageAuditEvents) only if the run goes in. */
  audit: readonly AppendAuditEventInput[];
  /** The workflow's challenger as the run was built from it (null: none); part of the guard. */
  workflowChallenger: { versionId: string; sharePercent: number } | null;
  /** The challenger run that shadows it, inserted only if the live run is. */
  challenger: Run | null;
  /** W3C trace context the runner continues (unset: tracing off). */
  traceparent?: string;
}

/*
 * One statement for any number of runs, so it is atomic without a transaction's BEGIN and COMMIT
 * round trips and concurrent starts share one execution, one commit and one WAL flush (see
 * StartRunBatcher). Each run goes in, with its first dispatch (transactional outbox, one NOTIFY
 * for all) and its staged audit events, only if its workflow's published version, rollout stage
 * and challenger are still the ones it was built from ('workflow_changed' otherwise) and its
 * idempotency key is free ('key_taken' otherwise; within one statement the first of two runs
 * with one key wins). The text never changes, so it is a named statement: PostgreSQL parses and
 * plans it once per connection.
 */
const INSERT_RUNS = {
  name: 'gatehouse_start_runs',
  text: `WITH item AS (
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS i(
         n int, id uuid, workflow_id uuid, version_id uuid, mode text, status text, input jsonb, input_hash text,
         idempotency_key text, external_ref text, current_step_id text, dispatch_seq int, created_by uuid,
         created_at timestamptz, dispatch jsonb, audit jsonb, guard_challenger_version uuid, guard_challenger_share numeric,
         ch_id uuid, ch_version_id uuid, ch_mode text, ch_status text, ch_idempotency_key text, ch_step_id text,
         ch_dispatch_seq int, ch_dispatch jsonb)
     ), current AS (
       SELECT i.* FROM item i
       WHERE EXISTS (SELECT 1 FROM workflows w
                     WHERE w.id = i.workflow_id AND w.published_version_id = i.version_id AND w.rollout_stage = i.mode
                       AND w.challenger_version_id IS NOT DISTINCT FROM i.guard_challenger_version
                       AND w.challenger_share IS NOT DISTINCT FROM i.guard_challenger_share)
     ), inserted AS (
       INSERT INTO runs (id, workflow_id, version_id, mode, status, input, input_hash, idempotency_key, external_ref,
                         current_step_id, dispatch_seq, created_by, created_at, updated_at)
       SELECT id, workflow_id, version_id, mode, status, input, input_hash, idempotency_key, external_ref,
              current_step_id, dispatch_seq, created_by, created_at, created_at
       FROM current ORDER BY n
       ON CONFLICT (workflow_id, idempotency_key) DO NOTHING
       RETURNING id
     ), live AS (
       SELECT c.* FROM current c JOIN inserted USING (id)
     ), challenger AS (
       INSERT INTO runs (id, workflow_id, version_id, mode, status, input, input_hash, idempotency_key, external_ref,
                         current_step_id, dispatch_seq, created_by, created_at, updated_at, champion_run_id)
       SELECT ch_id, workflow_id, ch_version_id, ch_mode, ch_status, input, input_hash, ch_idempotency_key, external_ref,
              ch_step_id, ch_dispatch_seq, created_by, created_at, created_at, id
       FROM live WHERE ch_id IS NOT NULL ORDER BY n
       RETURNING id
     ), dispatched AS (
       INSERT INTO outbox (topic, message_key, payload)
       SELECT $2, d.run_id::text, d.payload FROM (
         SELECT n, 0 AS k, id AS run_id, dispatch AS payload FROM live
         UNION ALL
         SELECT l.n, 1, l.ch_id, l.ch_dispatch FROM live l JOIN challenger ch ON ch.id = l.ch_id
       ) d ORDER BY d.n, d.k
       RETURNING id
     ), staged AS (
       ${stageAuditEventsFromSql({ from: 'live l', events: 'l.audit', orderBy: 'l.n, ' })}
     ), woken AS (
       SELECT pg_notify($3, $2) FROM dispatched LIMIT 1
     )
     SELECT i.n, c.id IS NOT NULL AS current, l.id IS NOT NULL AS inserted, (SELECT count(*) FROM woken) AS woken
     FROM item i LEFT JOIN current c ON c.n = i.n LEFT JOIN live l ON l.n = i.n
     ORDER BY i.n`,
};

/** Inserts the runs in one statement (see INSERT_RUNS); the outcomes are in the order of `inserts`. */
export async function insertRuns(pool: Pool, inserts: readonly StartRunInsert[]): Promise<InsertRunOutcome[]> {
  if (inserts.length === 0) return [];
  const items = inserts.map((insert, n) => itemOf(insert, n));
  const { rows } = await pool.query<{ n: number; current: boolean; inserted: boolean }>({
    ...INSERT_RUNS,
    values: [JSON.stringify(items), STEP_DISPATCH_TOPIC, OUTBOX_CHANNEL],
  });
  return rows.map((row) => (!row.current ? 'workflow_changed' : row.inserted ? 'inserted' : 'key_taken'));
}

/** One element of INSERT_RUNS's recordset. */
function itemOf({ run, audit, workflowChallenger, challenger, traceparent }: StartRunInsert, n: number): Record<string, unknown> {
  const trace = traceparent ? { traceparent } : {};
  const dispatchOf = (r: Run) => stepDispatchMessage({ runId: r.id, stepId: r.currentStepId!, cause: 'started', seq: r.dispatchSeq, ...trace });
  return {
    n,
    id: run.id,
    workflow_id: run.workflowId,
    version_id: run.versionId,
    mode: run.mode,
    status: run.status,
    input: run.input,
    input_hash: run.inputHash,
    idempotency_key: run.idempotencyKey,
    external_ref: run.externalRef,
    current_step_id: run.currentStepId,
    dispatch_seq: run.dispatchSeq,
    created_by: run.createdBy,
    created_at: run.createdAt.toISOString(),
    dispatch: dispatchOf(run),
    audit: stagedAuditEvents(audit),
    guard_challenger_version: workflowChallenger?.versionId ?? null,
    guard_challenger_share: workflowChallenger?.sharePercent ?? null,
    ...(challenger
      ? {
          ch_id: challenger.id,
          ch_version_id: challenger.versionId,
          ch_mode: challenger.mode,
          ch_status: challenger.status,
          ch_idempotency_key: challenger.idempotencyKey,
          ch_step_id: challenger.currentStepId,
          ch_dispatch_seq: challenger.dispatchSeq,
          ch_dispatch: dispatchOf(challenger),
        }
      : {}),
  };
}
