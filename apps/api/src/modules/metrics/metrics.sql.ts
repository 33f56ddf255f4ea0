/*
 * The metrics queries. Every figure is about a cohort: the runs CREATED in [from, to) (of one
 * workflow, or all), each in the bucket of its creation; approvals, exceptions, hand-offs,
 * costs and shadow outcomes count with their run. The cohort is found first through
 * runs_workflow_created_idx / runs_created_idx; children are reached by run id through their
 * run-id indexes and pre-aggregated per run, never by a correlated subquery per row.
 * GROUPING SETS give every bucket and the total in one pass (percentiles are not additive).
 *
 * Parameters: $1 from, $2 to, $3 bucket ('hour' | 'day' | 'week'), $4 workflow id or null,
 * and for the SLA and time-out figures $5 now.
 */
const COHORT = `
cohort AS MATERIALIZED (
  SELECT r.id, date_trunc($3, r.created_at, 'UTC') AS bucket_start, r.status, r.reopen_count,
         EXTRACT(EPOCH FROM r.finished_at - r.created_at)::float8 AS cycle_seconds
    FROM runs r
   WHERE r.created_at >= $1 AND r.created_at < $2 AND ($4::uuid IS NULL OR r.workflow_id = $4)
)`;

const TERMINAL = `('completed', 'failed', 'cancelled', 'handed_off')`;

export const RUN_FIGURES_SQL = `
WITH ${COHORT},
approvals_per_run AS (SELECT a.run_id, count(*) AS n FROM approvals a JOIN cohort c ON c.id = a.run_id GROUP BY a.run_id),
exceptions_per_run AS (SELECT x.run_id, count(*) AS n FROM exception_items x JOIN cohort c ON c.id = x.run_id GROUP BY x.run_id),
hand_offs_per_run AS (SELECT h.run_id, count(*) AS n FROM hand_offs h JOIN cohort c ON c.id = h.run_id GROUP BY h.run_id),
cost_per_run AS (SELECT s.run_id, sum(s.cost_usd) AS usd FROM step_attempts s JOIN cohort c ON c.id = s.run_id GROUP BY s.run_id)
SELECT c.bucket_start,
       GROUPING(c.bucket_start)::int AS is_total,
       count(*)::int AS runs_started,
       count(*) FILTER (WHERE c.status IN ${TERMINAL})::int AS runs_finished,
       count(*) FILTER (WHERE c.status = 'completed')::int AS completed,
       count(*) FILTER (WHERE c.status = 'failed')::int AS failed,
       count(*) FILTER (WHERE c.status = 'cancelled')::int AS cancelled,
       count(*) FILTER (WHERE c.status = 'handed_off')::int AS handed_off,
       count(c.cycle_seconds) FILTER (WHERE c.status IN ${TERMINAL})::int AS cycle_n,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY c.cycle_seconds) FILTER (WHERE c.status IN ${TERMINAL}) AS cycle_p50,
       percentile_cont(0.9) WITHIN GROUP (ORDER BY c.cycle_seconds) FILTER (WHERE c.status IN ${TERMINAL}) AS cycle_p90,
       count(*) FILTER (WHERE c.status = 'completed' AND a.n IS NULL AND x.n IS NULL AND h.n IS NULL AND c.reopen_count = 0)::int AS straight_through,
       count(x.n)::int AS runs_with_exception,
       COALESCE(sum(x.n), 0)::int AS exceptions_opened,
       count(*) FILTER (WHERE c.reopen_count > 0)::int AS runs_reopened,
       count(*) FILTER (WHERE c.status = 'completed' OR c.reopen_count > 0)::int AS ever_completed,
       COALESCE(sum(k.usd), 0)::float8 AS total_cost_usd,
       count(so.agreed)::int AS shadow_n,
       count(*) FILTER (WHERE so.agreed)::int AS shadow_agreed
  FROM cohort c
  LEFT JOIN approvals_per_run a ON a.run_id = c.id
  LEFT JOIN exceptions_per_run x ON x.run_id = c.id
  LEFT JOIN hand_offs_per_run h ON h.run_id = c.id
  LEFT JOIN cost_per_run k ON k.run_id = c.id
  LEFT JOIN shadow_outcomes so ON so.run_id = c.id
 GROUP BY GROUPING SETS ((c.bucket_start), ())`;

export const APPROVAL_FIGURES_SQL = `
WITH ${COHORT},
approval AS (
  SELECT c.bucket_start, a.status, a.decision, a.due_at, a.decided_at,
         CASE WHEN a.status IN ('approved', 'rejected') THEN EXTRACT(EPOCH FROM a.decided_at - a.created_at)::float8 END AS latency_seconds
    FROM approvals a JOIN cohort c ON c.id = a.run_id
)
SELECT bucket_start,
       GROUPING(bucket_start)::int AS is_total,
       count(*)::int AS requested,
       count(latency_seconds)::int AS decided,
       count(*) FILTER (WHERE decision IN ('edit_and_approve', 'reject'))::int AS reworked,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY latency_seconds) AS latency_p50,
       percentile_cont(0.9) WITHIN GROUP (ORDER BY latency_seconds) AS latency_p90,
       count(*) FILTER (WHERE due_at IS NOT NULL AND status <> 'cancelled')::int AS with_due,
       count(*) FILTER (WHERE due_at IS NOT NULL AND ((status IN ('approved', 'rejected') AND decided_at > due_at) OR (status = 'pending' AND due_at < $5)))::int AS breached
  FROM approval
 GROUP BY GROUPING SETS ((bucket_start), ())`;

/** Rows with is_all_reasons = 1 carry the bucket's (or the total's) SLA figures over every reason. */
export const EXCEPTION_FIGURES_SQL = `
WITH ${COHORT}
SELECT c.bucket_start,
       x.reason,
       GROUPING(c.bucket_start)::int AS is_total,
       GROUPING(x.reason)::int AS is_all_reasons,
       count(*)::int AS count,
       count(DISTINCT x.run_id)::int AS runs,
       count(*) FILTER (WHERE x.due_at IS NOT NULL)::int AS with_due,
       count(*) FILTER (WHERE x.due_at IS NOT NULL AND ((x.status = 'resolved' AND x.resolved_at > x.due_at) OR (x.status <> 'resolved' AND x.due_at < $5)))::int AS breached
  FROM exception_items x JOIN cohort c ON c.id = x.run_id
 GROUP BY GROUPING SETS ((c.bucket_start, x.reason), (x.reason), (c.bucket_start), ())
 ORDER BY count DESC, x.reason`;

export const HAND_OFF_FIGURES_SQL = `
WITH ${COHORT}
SELECT c.bucket_start,
       GROUPING(c.bucket_start)::int AS is_total,
       count(*)::int AS hand_offs,
       count(*) FILTER (WHERE h.status IN ('failed', 'bounced') OR (h.status IN ('pending', 'accepted') AND h.due_at < $5))::int AS failures
  FROM hand_offs h JOIN cohort c ON c.id = h.run_id
 GROUP BY GROUPING SETS ((c.bucket_start), ())`;

/** Runs created in [$1, $2) and their cost: for drift against the previous period. */
export const PERIOD_COST_SQL = `
WITH period AS MATERIALIZED (
  SELECT r.id FROM runs r WHERE r.created_at >= $1 AND r.created_at < $2 AND ($3::uuid IS NULL OR r.workflow_id = $3)
)
SELECT (SELECT count(*) FROM period)::int AS runs,
       COALESCE((SELECT sum(s.cost_usd) FROM step_attempts s JOIN period p ON p.id = s.run_id), 0)::float8 AS total_cost_usd`;
