import type pg from 'pg';
import { appendAuditEvents, auditInputFor, OUTBOX_CHANNEL } from '../packages/db/dist/index.js';
import { STEP_DISPATCH_TOPIC } from '../packages/domain/dist/index.js';
import { benchPool } from './postgres.js';
import { describeCpu, watchCpu, type CpuUse } from './processes.js';
import { insertRuns, loadBenchWorkflow, type BenchWorkflow } from './runs.js';

export interface FloorOptions {
  databaseUrl: string;
  runs: number;
  /** Connections, one worker each: the runner's DATABASE_POOL_SIZE default. */
  connections: number;
  postmasterPid: number | null;
  log: (line: string) => void;
}

export interface FloorResult {
  runs: number;
  transactions: number;
  seconds: number;
  runsPerSec: number;
  transactionsPerSec: number;
  cpu: CpuUse;
}

type Manager = Parameters<typeof appendAuditEvents>[0];
const STEPS = ['classify', 'check', 'send-article'] as const;

/**
 * The naive floor: the durable writes the runner makes for a run of the bench workflow, issued
 * directly with ONE TRANSACTION PER STEP: lock the run, insert the step attempt, update the run,
 * mark the dispatch done, insert the next dispatch (and NOTIFY), and append the step's audit
 * events to the hash chain (run.started on the first step; action.executed and run.completed on
 * the last) under the chain's advisory lock, exactly as commit-batch.ts does for a batch. It skips
 * everything else the runner does (claiming, reading the run and prior attempts, executing the
 * step, the webhook), so it is generous: a runner committing one step at a time could not beat it.
 */
export async function rawSqlFloor(options: FloorOptions): Promise<FloorResult> {
  const pool = benchPool(options.databaseUrl, options.connections, 'gatehouse-bench-floor');
  try {
    const wf = await loadBenchWorkflow(pool);
    await insertRuns(pool, wf, options.runs, 'floor');
    const { rows: work } = await pool.query<{ run_id: string; dispatch_id: string }>(
      `SELECT r.id::text AS run_id, o.id::text AS dispatch_id FROM runs r JOIN outbox o ON o.message_key = r.id::text
        WHERE r.external_ref = 'floor' AND o.published_at IS NULL ORDER BY o.id`,
    );
    const cpu = watchCpu({ bench: process.pid }, options.postmasterPid);
    const started = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: options.connections }, async () => {
        const client = await pool.connect();
        try {
          for (let i = next++; i < work.length; i = next++) {
            let dispatchId = work[i]!.dispatch_id;
            for (let s = 0; s < STEPS.length; s++) dispatchId = await commitStep(client, wf, work[i]!.run_id, s, dispatchId);
          }
        } finally {
          client.release();
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const cpuUse = cpu();
    const { rows } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM runs WHERE external_ref = 'floor' AND status = 'completed'`);
    if (rows[0]!.n !== options.runs) throw new Error(`floor: only ${rows[0]!.n} of ${options.runs} runs completed`);
    options.log(`  ${options.runs * STEPS.length} step transactions on ${options.connections} connections in ${seconds.toFixed(2)} s`);
    options.log(`  ${describeCpu(cpuUse)}`);
    return {
      runs: options.runs,
      transactions: options.runs * STEPS.length,
      seconds,
      runsPerSec: options.runs / seconds,
      transactionsPerSec: (options.runs * STEPS.length) / seconds,
      cpu: cpuUse,
    };
  } finally {
    await pool.end();
  }
}

/** One step of one run in its own transaction; returns the id of the next dispatch. */
async function commitStep(client: pg.PoolClient, wf: BenchWorkflow, runId: string, step: number, dispatchId: string): Promise<string> {
  const stepId = STEPS[step]!;
  const last = step === STEPS.length - 1;
  const now = new Date();
  const label = { label: 'how_to', confidence: 0.9, matched: '\\b(how do i|how to|where can i)\\b' };
  const effectKey = last ? `${runId}:${stepId}:1` : null;
  const attempt = [
    { input: { field: '/message' }, output: label, provider: 'rules', confidence: 0.9, validation: null },
    { input: { source: null }, output: label, provider: null, confidence: 0.9, validation: { valid: true } },
    { input: label, output: { delivered: true, status: 200, response: { ok: true } }, provider: 'webhook', confidence: null, validation: null },
  ][step]!;

  await client.query('BEGIN');
  try {
    await client.query(`SELECT id, status, dispatch_seq, current_step_id FROM runs WHERE id = $1 FOR UPDATE`, [runId]);
    await client.query(
      `INSERT INTO step_attempts (run_id, step_id, step_kind, attempt, dispatch_seq, status, input, output, provider, latency_ms, confidence, validation, effect_key, started_at, finished_at)
       VALUES ($1, $2, $3, 1, $4, 'succeeded', $5, $6, $7, 0, $8, $9, $10, $11, $11)`,
      [runId, stepId, ['rules', 'validate', 'action'][step], step + 1, JSON.stringify(attempt.input), JSON.stringify(attempt.output), attempt.provider, attempt.confidence, attempt.validation && JSON.stringify(attempt.validation), effectKey, now],
    );
    if (last) {
      await client.query(`UPDATE runs SET status = 'completed', output = $2, finished_at = $3, updated_at = $3 WHERE id = $1`, [runId, JSON.stringify(attempt.output), now]);
    } else {
      await client.query(
        `UPDATE runs SET status = 'running', current_step_id = $2, dispatch_seq = $3, started_at = COALESCE(started_at, $4), updated_at = $4 WHERE id = $1`,
        [runId, STEPS[step + 1], step + 2, now],
      );
    }
    await client.query(`UPDATE outbox SET published_at = now() WHERE id = $1`, [dispatchId]);
    let nextId = '';
    if (!last) {
      const { rows } = await client.query<{ id: string }>(`INSERT INTO outbox (topic, message_key, payload) VALUES ($1, $2, $3) RETURNING id::text AS id`, [
        STEP_DISPATCH_TOPIC,
        runId,
        JSON.stringify({ v: 1, runId, stepId: STEPS[step + 1], cause: 'advanced', seq: step + 2 }),
      ]);
      nextId = rows[0]!.id;
      await client.query('SELECT pg_notify($1, $2)', [OUTBOX_CHANNEL, STEP_DISPATCH_TOPIC]);
    }
    const events =
      step === 0
        ? [{ type: 'run.started', subjectType: 'run', subjectId: runId, data: { workflowId: wf.workflowId, stepId } }]
        : last
          ? [
              { type: 'action.executed', subjectType: 'run', subjectId: runId, data: { runId, workflowId: wf.workflowId, stepId, action: 'send_help_article', actionClass: 'reversible', mode: 'execute', idempotencyKey: effectKey } },
              { type: 'run.completed', subjectType: 'run', subjectId: runId, data: { workflowId: wf.workflowId } },
            ]
          : [];
    if (events.length > 0) {
      const manager = { queryRunner: { isTransactionActive: true }, query: async (sql: string, params: unknown[]) => (await client.query(sql, params)).rows } as unknown as Manager;
      await appendAuditEvents(manager, events.map((e) => auditInputFor(null, e as Parameters<typeof auditInputFor>[1], now)));
    }
    await client.query('COMMIT');
    return nextId;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
