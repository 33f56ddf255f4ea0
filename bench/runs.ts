import type pg from 'pg';
import { OUTBOX_CHANNEL } from '../packages/db/dist/index.js';
import { STEP_DISPATCH_TOPIC } from '../packages/domain/dist/index.js';
import { BENCH_WORKFLOW_KEY, benchInput } from './workflow.js';

export interface BenchWorkflow {
  workflowId: string;
  versionId: string;
  /** The integrator principal the runs are created by. */
  createdBy: string;
}

export async function loadBenchWorkflow(pool: pg.Pool): Promise<BenchWorkflow> {
  const { rows } = await pool.query<{ id: string; version_id: string; stage: string; by: string }>(
    `SELECT w.id::text AS id, w.published_version_id::text AS version_id, w.rollout_stage AS stage,
            (SELECT p.id::text FROM principals p WHERE p.email = 'ivy@gatehouse.dev') AS by
       FROM workflows w WHERE w.key = $1`,
    [BENCH_WORKFLOW_KEY],
  );
  const row = rows[0];
  if (!row?.version_id || !row.by) throw new Error('the bench workflow is not published (or the dev integrator is missing)');
  if (row.stage !== 'execute') throw new Error(`the bench workflow is in ${row.stage}, not execute`);
  return { workflowId: row.id, versionId: row.version_id, createdBy: row.by };
}

/**
 * Inserts `count` queued runs and their first dispatches in one transaction, exactly as the
 * API's startRun writes them (a runs row, and an outbox row {v:1, runId, stepId, cause:'started',
 * seq:1} on the step-dispatch topic, then NOTIFY), so the runner and not the API is measured.
 * Runs are tagged with `external_ref = tag` to find them again.
 */
export async function insertRuns(pool: pg.Pool, wf: BenchWorkflow, count: number, tag: string, offset = 0): Promise<void> {
  const sample = benchInput('x');
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(
      `WITH r AS (
         INSERT INTO runs (id, workflow_id, version_id, mode, status, input, input_hash, idempotency_key, external_ref, current_step_id, created_by)
         SELECT gen_random_uuid(), $1, $2, 'execute', 'queued', i.input, md5(i.input::text), i.key, $3, 'classify', $4
           FROM (SELECT jsonb_build_object('ticketId', $3 || '-' || g, 'message', $5::text) AS input, $3 || '-' || g AS key
                   FROM generate_series($6::int, $7::int) g) i
         RETURNING id
       )
       INSERT INTO outbox (topic, message_key, payload)
       SELECT $8, r.id::text, jsonb_build_object('v', 1, 'runId', r.id, 'stepId', 'classify', 'cause', 'started', 'seq', 1) FROM r`,
      [wf.workflowId, wf.versionId, tag, wf.createdBy, sample.message, offset + 1, offset + count, STEP_DISPATCH_TOPIC],
    );
    await client.query('SELECT pg_notify($1, $2)', [OUTBOX_CHANNEL, STEP_DISPATCH_TOPIC]);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** Waits until all `count` runs tagged `tag` completed; fails fast on any run that left the straight path. */
export async function waitForCompleted(pool: pg.Pool, tag: string, count: number, timeoutMs: number, pollMs = 250): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await pool.query<{ done: number; other: number }>(
      `SELECT count(*) FILTER (WHERE status = 'completed')::int AS done,
              count(*) FILTER (WHERE status NOT IN ('queued', 'running', 'completed'))::int AS other
         FROM runs WHERE external_ref = $1`,
      [tag],
    );
    const { done, other } = rows[0]!;
    if (other > 0) {
      const { rows: sample } = await pool.query(`SELECT status, current_step_id, error FROM runs WHERE external_ref = $1 AND status NOT IN ('queued', 'running', 'completed') LIMIT 3`, [tag]);
      throw new Error(`${other} runs of ${tag} did not go straight through, e.g. ${JSON.stringify(sample)}`);
    }
    if (done >= count) return;
    if (Date.now() > deadline) throw new Error(`only ${done} of ${count} runs of ${tag} completed within ${timeoutMs / 1000}s`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

export interface RunStats {
  runs: number;
  stepAttempts: number;
  /** Latency of a run, created_at → finished_at, in milliseconds. */
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  lastFinishedAt: Date;
}

export async function runStats(pool: pg.Pool, tag: string): Promise<RunStats> {
  const { rows } = await pool.query<{ runs: number; attempts: number; p50: number; p99: number; max: number; last: Date }>(
    `SELECT count(*)::int AS runs,
            (SELECT count(*)::int FROM step_attempts a WHERE a.run_id IN (SELECT id FROM runs WHERE external_ref = $1)) AS attempts,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM finished_at - created_at) * 1000) AS p50,
            percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM finished_at - created_at) * 1000) AS p99,
            max(extract(epoch FROM finished_at - created_at) * 1000)::float8 AS max,
            max(finished_at) AS last
       FROM runs WHERE external_ref = $1 AND status = 'completed'`,
    [tag],
  );
  const r = rows[0]!;
  return { runs: r.runs, stepAttempts: r.attempts, p50Ms: r.p50, p99Ms: r.p99, maxMs: Number(r.max), lastFinishedAt: r.last };
}

export interface SteadyFeed {
  /** Runs inserted. */
  runs: number;
  /** The rate actually offered, runs/s. */
  offeredPerSec: number;
  /** The worst delay of a tick behind its schedule, ms (open loop: a slow insert does not slow the schedule). */
  worstTickLagMs: number;
}

/**
 * Open-loop load: every `tickMs` a transaction inserts rate×tick runs, on schedule whether or not
 * earlier inserts (or the runner) keep up, for `seconds`.
 */
export async function feedSteady(pool: pg.Pool, wf: BenchWorkflow, tag: string, ratePerSec: number, seconds: number, tickMs = 100): Promise<SteadyFeed> {
  const perTick = Math.round((ratePerSec * tickMs) / 1000);
  const ticks = Math.round((seconds * 1000) / tickMs);
  const started = performance.now();
  const inserts: Promise<void>[] = [];
  let worstLag = 0;
  for (let i = 0; i < ticks; i++) {
    const due = started + i * tickMs;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    worstLag = Math.max(worstLag, performance.now() - due);
    inserts.push(insertRuns(pool, wf, perTick, tag, i * perTick));
  }
  await Promise.all(inserts);
  const elapsed = (performance.now() - started) / 1000;
  return { runs: perTick * ticks, offeredPerSec: (perTick * ticks) / Math.max(elapsed, seconds), worstTickLagMs: worstLag };
}
