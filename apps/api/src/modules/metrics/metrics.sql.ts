/*
 * The metrics SQL. Every figure is about a cohort: the runs CREATED in [from, to) (of one
 * workflow, or all), each in the bucket of its creation; approvals, exceptions, hand-offs,
 * costs and shadow outcomes count with their run (docs/metrics.md). Challenger runs
 * (champion_run_id set) shadow live runs and are measured by the challenger comparison instead,
 * so no figure here counts them.
 *
 * How it is served fast (docs/metrics.md, "How the figures are served"):
 * - metrics_hourly holds, per (workflow, hour of creation), every figure that does not depend
 *   on "now": counts, the cost sum (numeric, exact) and the raw values behind the percentiles
 *   (cycle times and approval latencies, packed float8 — percentiles are not additive, so the
 *   values themselves are kept and the exact percentile_cont is taken at read time).
 *   LIVE_FIGURES computes those rows from the raw tables; the refresh stores them and the read
 *   path uses the very same text for the hours it cannot take from the rollup.
 * - metrics_changes is the change log the triggers append to (migration 1733097600000).
 *   An hour with a row there is dirty: read from the raw tables, not from the rollup.
 * - Bucket edges that cut an hour (from / to not on the hour) are read from the raw tables.
 * - "Now"-dependent figures: the settled part (decided / resolved late, failed or bounced) is
 *   counted in the rollup; for the open part (pending / unresolved / pending-or-accepted) the
 *   rollup keeps the open items' due times and the read counts those before its "now" — an
 *   open item becomes late only by time passing, which changes no row.
 */

const TERMINAL = `('completed', 'failed', 'cancelled', 'handed_off')`;

/** The columns of metrics_hourly after (workflow_id, hour), in LIVE_FIGURES' output order. */
export const ROLLUP_COLUMNS = [
  'runs_started',
  'runs_finished',
  'completed',
  'failed',
  'cancelled',
  'handed_off',
  'cycle_n',
  'cycle_values',
  'straight_through',
  'runs_with_exception',
  'exceptions_opened',
  'runs_reopened',
  'ever_completed',
  'total_cost_usd',
  'shadow_n',
  'shadow_agreed',
  'approvals_requested',
  'approvals_decided',
  'approvals_reworked',
  'approvals_with_due',
  'approvals_late',
  'latency_values',
  'exceptions_with_due',
  'exceptions_late',
  'exceptions_by_reason',
  'hand_offs',
  'hand_offs_failed',
  'approvals_open_due',
  'exceptions_open_due',
  'hand_offs_open_due',
] as const;

/**
 * The "now"-independent figures per (period, workflow_id, hour) of the runs in a CTE named
 * `cohort` (period, id, workflow_id, hour, status, reopen_count, cycle_seconds): CTEs up to
 * `live`. Each run's children are aggregated by LATERAL look-ups on their run-id indexes: the
 * cohorts here are hours (a refresh) or a few edge / dirty hours (a read), never a whole window.
 */
/** A timestamp as float8 microseconds since the epoch (exact: below 2^53); null stays null. */
const MICROS = (ts: string) => `(EXTRACT(EPOCH FROM ${ts}) * 1000000)::float8`;

const LIVE_FIGURES = `
live_per_run AS (
  SELECT c.period, c.workflow_id, c.hour, c.status, c.reopen_count, c.cycle_seconds, a.*, x.*, h.*, k.*,
         (SELECT so.agreed FROM shadow_outcomes so WHERE so.run_id = c.id) AS agreed
    FROM cohort c
   CROSS JOIN LATERAL (
     SELECT count(*) AS ap_n,
            count(l.seconds) AS ap_decided,
            count(*) FILTER (WHERE a.decision IN ('edit_and_approve', 'reject')) AS ap_reworked,
            count(*) FILTER (WHERE a.due_at IS NOT NULL AND a.status <> 'cancelled') AS ap_with_due,
            count(*) FILTER (WHERE a.due_at IS NOT NULL AND a.status IN ('approved', 'rejected') AND a.decided_at > a.due_at) AS ap_late,
            string_agg(float8send(l.seconds), ''::bytea) AS ap_latencies,
            string_agg(float8send(${MICROS('a.due_at')}), ''::bytea) FILTER (WHERE a.status = 'pending') AS ap_open_due
       FROM approvals a
      CROSS JOIN LATERAL (SELECT CASE WHEN a.status IN ('approved', 'rejected') THEN EXTRACT(EPOCH FROM a.decided_at - a.created_at)::float8 END AS seconds) l
      WHERE a.run_id = c.id) a
   CROSS JOIN LATERAL (
     SELECT count(*) AS ex_n,
            count(*) FILTER (WHERE x.due_at IS NOT NULL) AS ex_with_due,
            count(*) FILTER (WHERE x.due_at IS NOT NULL AND x.status = 'resolved' AND x.resolved_at > x.due_at) AS ex_late,
            string_agg(float8send(${MICROS('x.due_at')}), ''::bytea) FILTER (WHERE x.status <> 'resolved') AS ex_open_due
       FROM exception_items x WHERE x.run_id = c.id) x
   CROSS JOIN LATERAL (
     SELECT count(*) AS ho_n, count(*) FILTER (WHERE h.status IN ('failed', 'bounced')) AS ho_failed,
            string_agg(float8send(${MICROS('h.due_at')}), ''::bytea) FILTER (WHERE h.status IN ('pending', 'accepted')) AS ho_open_due
       FROM hand_offs h WHERE h.run_id = c.id) h
   CROSS JOIN LATERAL (SELECT sum(s.cost_usd) AS usd FROM step_attempts s WHERE s.run_id = c.id) k
),
live_reasons AS (
  SELECT period, workflow_id, hour, jsonb_object_agg(reason, jsonb_build_array(n, runs)) AS by_reason
    FROM (SELECT c.period, c.workflow_id, c.hour, x.reason, sum(x.n)::int AS n, count(*)::int AS runs
            FROM cohort c
           CROSS JOIN LATERAL (SELECT x.reason, count(*) AS n FROM exception_items x WHERE x.run_id = c.id GROUP BY x.reason) x
           GROUP BY c.period, c.workflow_id, c.hour, x.reason) q
   GROUP BY period, workflow_id, hour
),
live_runs AS (
  SELECT period, workflow_id, hour,
         count(*)::int AS runs_started,
         count(*) FILTER (WHERE status IN ${TERMINAL})::int AS runs_finished,
         count(*) FILTER (WHERE status = 'completed')::int AS completed,
         count(*) FILTER (WHERE status = 'failed')::int AS failed,
         count(*) FILTER (WHERE status = 'cancelled')::int AS cancelled,
         count(*) FILTER (WHERE status = 'handed_off')::int AS handed_off,
         count(cycle_seconds) FILTER (WHERE status IN ${TERMINAL})::int AS cycle_n,
         COALESCE(string_agg(float8send(cycle_seconds), ''::bytea) FILTER (WHERE status IN ${TERMINAL}), ''::bytea) AS cycle_values,
         count(*) FILTER (WHERE status = 'completed' AND ap_n = 0 AND ex_n = 0 AND ho_n = 0 AND reopen_count = 0)::int AS straight_through,
         count(*) FILTER (WHERE ex_n > 0)::int AS runs_with_exception,
         sum(ex_n)::int AS exceptions_opened,
         count(*) FILTER (WHERE reopen_count > 0)::int AS runs_reopened,
         count(*) FILTER (WHERE status = 'completed' OR reopen_count > 0)::int AS ever_completed,
         COALESCE(sum(usd), 0)::numeric AS total_cost_usd,
         count(agreed)::int AS shadow_n,
         count(*) FILTER (WHERE agreed)::int AS shadow_agreed,
         sum(ap_n)::int AS approvals_requested,
         sum(ap_decided)::int AS approvals_decided,
         sum(ap_reworked)::int AS approvals_reworked,
         sum(ap_with_due)::int AS approvals_with_due,
         sum(ap_late)::int AS approvals_late,
         COALESCE(string_agg(ap_latencies, ''::bytea), ''::bytea) AS latency_values,
         sum(ex_with_due)::int AS exceptions_with_due,
         sum(ex_late)::int AS exceptions_late,
         sum(ho_n)::int AS hand_offs,
         sum(ho_failed)::int AS hand_offs_failed,
         COALESCE(string_agg(ap_open_due, ''::bytea), ''::bytea) AS approvals_open_due,
         COALESCE(string_agg(ex_open_due, ''::bytea), ''::bytea) AS exceptions_open_due,
         COALESCE(string_agg(ho_open_due, ''::bytea), ''::bytea) AS hand_offs_open_due
    FROM live_per_run
   GROUP BY period, workflow_id, hour
),
live AS (
  SELECT r.period, r.workflow_id, r.hour,
         ${ROLLUP_COLUMNS.map((col) => (col === 'exceptions_by_reason' ? `COALESCE(x.by_reason, '{}'::jsonb) AS exceptions_by_reason` : `r.${col}`)).join(', ')}
    FROM live_runs r LEFT JOIN live_reasons x USING (period, workflow_id, hour)
)`;

const COHORT_COLUMNS = `r.id, r.workflow_id, date_trunc('hour', r.created_at, 'UTC') AS hour, r.status, r.reopen_count,
         EXTRACT(EPOCH FROM r.finished_at - r.created_at)::float8 AS cycle_seconds`;

/** The advisory lock that serialises refreshes (the refresh statement's snapshot is taken after it is held). */
export const REFRESH_LOCK_KEY = 7304211001;

/**
 * Refresh: consumes the change-log rows of up to $4 dirty (workflow, hour) pairs (optionally of
 * workflow $1, hours in [$2, $3)) and, in the same statement — the same snapshot — recomputes
 * those hours from the raw tables into metrics_hourly (deleting hours left without runs). A
 * change committed after the snapshot keeps its log row and is picked up next time; run it
 * while holding REFRESH_LOCK_KEY (so two refreshes never write an hour from older data).
 */
export const REFRESH_SQL = `
WITH picked AS (
  SELECT DISTINCT workflow_id, hour FROM metrics_changes
   WHERE ($1::uuid IS NULL OR workflow_id = $1) AND hour >= COALESCE($2::timestamptz, '-infinity') AND hour < COALESCE($3::timestamptz, 'infinity')
   ORDER BY hour DESC, workflow_id LIMIT $4
),
consumed AS (
  DELETE FROM metrics_changes m USING picked p WHERE m.workflow_id = p.workflow_id AND m.hour = p.hour RETURNING m.workflow_id, m.hour
),
dirty AS (SELECT DISTINCT workflow_id, hour FROM consumed),
cohort AS MATERIALIZED (
  SELECT 0 AS period, r.*
    FROM dirty d
   CROSS JOIN LATERAL (
     SELECT ${COHORT_COLUMNS} FROM runs r
      WHERE r.workflow_id = d.workflow_id AND r.created_at >= d.hour AND r.created_at < d.hour + interval '1 hour' AND r.champion_run_id IS NULL
      OFFSET 0) r
),
${LIVE_FIGURES},
upserted AS (
  INSERT INTO metrics_hourly (workflow_id, hour, ${ROLLUP_COLUMNS.join(', ')}, refreshed_at)
  SELECT workflow_id, hour, ${ROLLUP_COLUMNS.join(', ')}, now() FROM live
  ON CONFLICT (workflow_id, hour) DO UPDATE SET ${ROLLUP_COLUMNS.map((c) => `${c} = EXCLUDED.${c}`).join(', ')}, refreshed_at = EXCLUDED.refreshed_at
  RETURNING 1
),
removed AS (
  DELETE FROM metrics_hourly m USING dirty d
   WHERE m.workflow_id = d.workflow_id AND m.hour = d.hour
     AND NOT EXISTS (SELECT 1 FROM live l WHERE l.workflow_id = d.workflow_id AND l.hour = d.hour)
  RETURNING 1
)
SELECT (SELECT count(*) FROM dirty)::int AS hours, (SELECT count(*) FROM upserted)::int AS stored, (SELECT count(*) FROM removed)::int AS removed`;

/** Dirty (workflow, hour) pairs waiting for a refresh, optionally of workflow $1 in [$2, $3). */
export const DIRTY_COUNT_SQL = `
SELECT count(*)::int AS hours FROM (
  SELECT DISTINCT workflow_id, hour FROM metrics_changes
   WHERE ($1::uuid IS NULL OR workflow_id = $1) AND hour >= COALESCE($2::timestamptz, '-infinity') AND hour < COALESCE($3::timestamptz, 'infinity')
) d`;

/**
 * The metrics of [$1, $2) by bucket $3 ('hour' | 'day' | 'week', UTC, weeks from Monday) for
 * workflow $4 (null: all); and (period 0) runs and cost of the previous period [$5, $1). One
 * statement, so one snapshot: every figure sees the same committed data.
 *
 * One row per (period, bucket). Full hours come from metrics_hourly unless dirty; partial
 * edge hours and dirty hours from the raw tables (LIVE_FIGURES). cycle_values /
 * latency_values are the bucket's values, packed big-endian float8 in no particular order:
 * the service takes the exact percentile_cont of them (and of their union for the total).
 * Packed values travel as base64 (a third smaller than bytea's hex output).
 * *_open_due are the due times (float8 µs since the epoch) of the bucket's items still open:
 * the service counts those before its "now" as breached / timed out.
 * Period 0 rows carry runs and cost only.
 */
export const METRICS_SQL = `
WITH bounds AS (
  SELECT period, lo, hi,
         CASE WHEN date_trunc('hour', lo, 'UTC') = lo THEN lo ELSE date_trunc('hour', lo, 'UTC') + interval '1 hour' END AS full_lo,
         date_trunc('hour', hi, 'UTC') AS full_hi
    FROM (VALUES (0, $5::timestamptz, $1::timestamptz), (1, $1::timestamptz, $2::timestamptz)) p(period, lo, hi)
),
dirty AS (
  SELECT DISTINCT b.period, m.workflow_id, m.hour
    FROM bounds b JOIN metrics_changes m ON m.hour >= b.full_lo AND m.hour < b.full_hi
   WHERE ($4::uuid IS NULL OR m.workflow_id = $4)
),
ranges AS (
  SELECT period, NULL::uuid AS workflow_id, lo, LEAST(full_lo, hi) AS hi FROM bounds WHERE lo < LEAST(full_lo, hi)
  UNION ALL
  SELECT period, NULL::uuid, GREATEST(full_lo, full_hi), hi FROM bounds WHERE GREATEST(full_lo, full_hi) < hi
  UNION ALL
  SELECT period, workflow_id, hour, hour + interval '1 hour' FROM dirty
),
cohort AS MATERIALIZED (
  SELECT g.period, r.*
    FROM ranges g
   CROSS JOIN LATERAL (
     SELECT ${COHORT_COLUMNS} FROM runs r
      WHERE r.created_at >= g.lo AND r.created_at < g.hi AND ($4::uuid IS NULL OR r.workflow_id = $4) AND (g.workflow_id IS NULL OR r.workflow_id = g.workflow_id)
        AND r.champion_run_id IS NULL
      OFFSET 0) r
),
${LIVE_FIGURES},
hours AS (
  SELECT b.period, m.hour, ${ROLLUP_COLUMNS.map((c) => (c.endsWith('_values') || c.endsWith('_open_due') ? `CASE WHEN b.period = 1 THEN m.${c} END AS ${c}` : `m.${c}`)).join(', ')}
    FROM bounds b
    JOIN metrics_hourly m ON m.hour >= b.full_lo AND m.hour < b.full_hi
   WHERE ($4::uuid IS NULL OR m.workflow_id = $4)
     AND NOT EXISTS (SELECT 1 FROM dirty d WHERE d.workflow_id = m.workflow_id AND d.hour = m.hour)
  UNION ALL
  SELECT period, hour, ${ROLLUP_COLUMNS.join(', ')} FROM live
),
buckets AS (
  SELECT period, date_trunc($3, hour, 'UTC') AS bucket_start,
         sum(runs_started)::int AS runs_started,
         sum(runs_finished)::int AS runs_finished,
         sum(completed)::int AS completed,
         sum(failed)::int AS failed,
         sum(cancelled)::int AS cancelled,
         sum(handed_off)::int AS handed_off,
         sum(cycle_n)::int AS cycle_n,
         encode(string_agg(cycle_values, ''::bytea), 'base64') AS cycle_values,
         sum(straight_through)::int AS straight_through,
         sum(runs_with_exception)::int AS runs_with_exception,
         sum(exceptions_opened)::int AS exceptions_opened,
         sum(runs_reopened)::int AS runs_reopened,
         sum(ever_completed)::int AS ever_completed,
         sum(total_cost_usd)::text AS total_cost_usd,
         sum(shadow_n)::int AS shadow_n,
         sum(shadow_agreed)::int AS shadow_agreed,
         sum(approvals_requested)::int AS approvals_requested,
         sum(approvals_decided)::int AS approvals_decided,
         sum(approvals_reworked)::int AS approvals_reworked,
         sum(approvals_with_due)::int AS approvals_with_due,
         sum(approvals_late)::int AS approvals_late,
         encode(string_agg(latency_values, ''::bytea), 'base64') AS latency_values,
         sum(exceptions_with_due)::int AS exceptions_with_due,
         sum(exceptions_late)::int AS exceptions_late,
         (jsonb_agg(exceptions_by_reason) FILTER (WHERE exceptions_by_reason <> '{}'::jsonb))::text AS exceptions_by_reason,
         sum(hand_offs)::int AS hand_offs,
         sum(hand_offs_failed)::int AS hand_offs_failed,
         encode(string_agg(approvals_open_due, ''::bytea), 'base64') AS approvals_open_due,
         encode(string_agg(exceptions_open_due, ''::bytea), 'base64') AS exceptions_open_due,
         encode(string_agg(hand_offs_open_due, ''::bytea), 'base64') AS hand_offs_open_due
    FROM hours
   GROUP BY 1, 2
)
SELECT * FROM buckets`;

/** Runs created in [$1, $2) and their cost (for the cost drift alerts: a short window, read from the raw tables). */
export const PERIOD_COST_SQL = `
WITH period AS MATERIALIZED (
  SELECT r.id FROM runs r WHERE r.created_at >= $1 AND r.created_at < $2 AND ($3::uuid IS NULL OR r.workflow_id = $3) AND r.champion_run_id IS NULL
)
SELECT (SELECT count(*) FROM period)::int AS runs,
       COALESCE((SELECT sum(s.cost_usd) FROM step_attempts s JOIN period p ON p.id = s.run_id), 0)::float8 AS total_cost_usd`;
