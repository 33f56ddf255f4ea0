import { ApprovalEntity, ExceptionItemEntity, RunEntity, toApproval, toExceptionItem, toRun } from '@gatehouse/db';
import type { Approval, ExceptionItem, JsonValue, Run } from '@gatehouse/domain';
import { In, type DataSource } from 'typeorm';

export interface PriorAttempts {
  /** Highest attempt number per step id. */
  lastAttempt: Map<string, number>;
  /** Output of each step whose latest attempt succeeded. */
  outputs: Record<string, JsonValue>;
  /** The idempotency key of the latest action attempt per step. */
  effectKeys: Map<string, string>;
}

export interface RunSnapshot {
  run: Run;
  paused: boolean;
  /** For spans and logs. */
  workflowKey: string;
}

/** The decisions (approvals granted, exception overrides) some dispatches of a batch act on. */
export interface BatchDecisions {
  approvals: Map<string, Approval>;
  exceptions: Map<string, ExceptionItem>;
}

export async function loadRuns(ds: DataSource, runIds: string[]): Promise<Map<string, RunSnapshot>> {
  const runs = (await ds.getRepository(RunEntity).findBy({ id: In(runIds) })).map(toRun);
  const workflowIds = [...new Set(runs.map((r) => r.workflowId))];
  const workflows = new Map(
    ((await ds.query(`SELECT id::text AS id, key, paused FROM workflows WHERE id = ANY($1::uuid[])`, [workflowIds])) as Array<{ id: string; key: string; paused: boolean }>).map((w) => [w.id, w]),
  );
  return new Map(runs.map((run) => [run.id, { run, paused: workflows.get(run.workflowId)?.paused ?? false, workflowKey: workflows.get(run.workflowId)?.key ?? '' }]));
}

export async function loadPriorAttempts(ds: DataSource, runIds: string[]): Promise<Map<string, PriorAttempts>> {
  const result = new Map<string, PriorAttempts>(runIds.map((id) => [id, { lastAttempt: new Map(), outputs: {}, effectKeys: new Map() }]));
  if (runIds.length === 0) return result;
  const rows = (await ds.query(
    // execution_output: the unredacted output, kept where redaction changed the trace's copy.
    `SELECT DISTINCT ON (run_id, step_id) run_id::text AS run_id, step_id, attempt, status, COALESCE(execution_output, output) AS output, effect_key
       FROM step_attempts WHERE run_id = ANY($1::uuid[])
      ORDER BY run_id, step_id, attempt DESC`,
    [runIds],
  )) as Array<{ run_id: string; step_id: string; attempt: number; status: string; output: JsonValue | null; effect_key: string | null }>;
  for (const row of rows) {
    const prior = result.get(row.run_id)!;
    prior.lastAttempt.set(row.step_id, row.attempt);
    if (row.status === 'succeeded') prior.outputs[row.step_id] = row.output;
    if (row.effect_key) prior.effectKeys.set(row.step_id, row.effect_key);
  }
  return result;
}

export async function loadDecisions(ds: DataSource, approvalIds: string[], exceptionIds: string[]): Promise<BatchDecisions> {
  const approvals = approvalIds.length ? (await ds.getRepository(ApprovalEntity).findBy({ id: In(approvalIds) })).map(toApproval) : [];
  const exceptions = exceptionIds.length ? (await ds.getRepository(ExceptionItemEntity).findBy({ id: In(exceptionIds) })).map(toExceptionItem) : [];
  return { approvals: new Map(approvals.map((a) => [a.id, a])), exceptions: new Map(exceptions.map((x) => [x.id, x])) };
}
