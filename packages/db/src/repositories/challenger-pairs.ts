import type { ChallengerPair, JsonValue, RunStatus } from '@gatehouse/domain';
import type { Tx } from './transaction.js';

/** The comparison looks at this many most recent pairs at most (its figures say how many). */
export const MAX_COMPARED_PAIRS = 5_000;

/**
 * The live runs a challenger version shadowed since `since`, each with its challenger run, most
 * recent first: statuses, what each produced (the last succeeded rules/agent step's output,
 * unredacted where redaction changed the trace's copy), the human outcome recorded for the live
 * run, and cost and step time per run. Served by runs_challenger_idx and step_attempts' run index.
 */
export async function loadChallengerPairs(tx: Tx, challengerVersionId: string, since: Date, limit = MAX_COMPARED_PAIRS): Promise<ChallengerPair[]> {
  const rows = (await tx.query(
    `WITH pairs AS (
       SELECT c.id AS challenger_id, c.status AS challenger_status, c.champion_run_id AS champion_id, c.created_at
         FROM runs c
        WHERE c.version_id = $1 AND c.champion_run_id IS NOT NULL AND c.created_at >= $2
        ORDER BY c.created_at DESC, c.id DESC
        LIMIT $3
     )
     SELECT p.challenger_status, r.status AS champion_status, so.human_outcome,
            champion.result AS champion_result, champion.cost AS champion_cost, champion.latency AS champion_latency,
            challenger.result AS challenger_result, challenger.cost AS challenger_cost, challenger.latency AS challenger_latency
       FROM pairs p
       JOIN runs r ON r.id = p.champion_id
       LEFT JOIN shadow_outcomes so ON so.run_id = p.champion_id
       CROSS JOIN LATERAL (${RUN_FIGURES('p.champion_id')}) champion
       CROSS JOIN LATERAL (${RUN_FIGURES('p.challenger_id')}) challenger
      ORDER BY p.created_at DESC, p.challenger_id DESC`,
    [challengerVersionId, since, limit],
  )) as Array<{
    challenger_status: RunStatus;
    champion_status: RunStatus;
    human_outcome: JsonValue | null;
    champion_result: JsonValue | null;
    champion_cost: number;
    champion_latency: number;
    challenger_result: JsonValue | null;
    challenger_cost: number;
    challenger_latency: number;
  }>;
  return rows.map((r) => ({
    championStatus: r.champion_status,
    challengerStatus: r.challenger_status,
    championResult: r.champion_result,
    challengerResult: r.challenger_result,
    humanOutcome: r.human_outcome,
    championCostUsd: Number(r.champion_cost),
    challengerCostUsd: Number(r.challenger_cost),
    championLatencyMs: Number(r.champion_latency),
    challengerLatencyMs: Number(r.challenger_latency),
  }));
}

/**
 * One run's figures: its result as comparableResult (domain) defines it, its cost, and the time
 * spent in its steps (a reviewer's override, provider 'human', is people's time, not the step's).
 */
const RUN_FIGURES = (runId: string) => `
  SELECT (SELECT COALESCE(a.execution_output, a.output) FROM step_attempts a
           WHERE a.run_id = ${runId} AND a.status = 'succeeded' AND a.step_kind IN ('rules', 'agent')
           ORDER BY a.started_at DESC, a.attempt DESC LIMIT 1) AS result,
         COALESCE(sum(s.cost_usd), 0)::float8 AS cost,
         COALESCE(sum(s.latency_ms) FILTER (WHERE s.provider IS DISTINCT FROM 'human'), 0)::float8 AS latency
    FROM step_attempts s WHERE s.run_id = ${runId}`;
