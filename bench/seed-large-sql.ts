/*
 * The SQL of one `seed:large` batch: runs [$2, $3) of seed $1. A temp table `b` holds each
 * run's random draws and its whole story (timeline, outcome, current status); the statements
 * after it write the rows of each table from `b`, so every table tells the same story.
 *
 * The story of a run: created (input arrives) → started after a queue delay (3 % are late
 * inputs, started up to 12 h after they arrived) → steps, some retried → maybe an exception on
 * one step (resolved by retry / override / hand-off / cancel after a heavy-tailed wait, so some
 * are late and some still open) → maybe an approval before the gated step (approve / edit /
 * reject after a heavy-tailed wait) → a terminal status, unless "now" falls before it.
 */

export interface ColumnInfo {
  name: string;
  required: boolean;
}

/** A uniform number in [0, 1) for row `idx` and stream `salt`, deterministic under the seed ($1). */
export const rnd = (idx: string, salt: number): string => `((hashint8extended((${idx}) * 64 + ${salt}, $1::bigint) & 2147483647)::float8 / 2147483648.0)`;

/** Deterministic uuid for a named thing of this seed ($1). */
export const uuidSql = (kind: string, idx: string): string => `md5('${kind}:' || ($1::bigint)::text || ':' || (${idx})::text)::uuid`;

const R = (salt: number) => rnd('g.i', salt);
const TERMINAL = `('completed','failed','cancelled','handed_off')`;
const sec = (expr: string) => `((${expr}) * interval '1 second')`;

const STORY = `
CREATE TEMP TABLE b ON COMMIT DROP AS
SELECT base.*, wf.id AS workflow_id, wf.n, wf.gate, wf.gate_class, wf.gate_role, wf.alt_last, wf.family, wf.agent_step, wf.sla_ap, wf.sla_exc,
       wf.steps, wf.kinds, wf.cost_factor, wf.missing_field, wf.spike_from, wf.spike_to,
       CASE WHEN base.created_at < wf.switch_at THEN wf.v1 ELSE wf.v2 END AS version_id,
       l1.*, l2.*, l3.*, l4.*, l5.*, l6.*
  FROM (
    SELECT g.i,
           ${uuidSql('run', 'g.i')} AS id,
           width_bucket(${R(1)}, $4::float8[]) AS w,
           LEAST(p.t_now - interval '1 second', p.t_start + (width_bucket(${R(2)}, $5::float8[]) - 1) * interval '1 hour' + ${R(3)} * interval '1 hour') AS created_at,
           p.t_now, p.reviewers, p.owner, p.integrator,
           ${R(4)} AS u_fail, ${R(5)} AS u_exc, ${R(6)} AS u_missing, ${R(7)} AS u_ap, ${R(8)} AS u_decision,
           ${R(9)} AS u_apwait, ${R(10)} AS u_excwait, ${R(11)} AS u_late, ${R(12)} AS u_delay, ${R(13)} AS u_slot,
           ${R(14)} AS u_label, ${R(15)} AS u_resolution, ${R(16)} AS u_reason, ${R(17)} AS u_shadow, ${R(18)} AS u_agree,
           ${R(19)} AS u_cancel, ${R(20)} AS u_who, ${R(21)} AS u_spike, ${R(22)} AS u_handoff, ${R(23)} AS u_recorded
      FROM generate_series($2::bigint, $3::bigint - 1) g(i), seed_params p
  ) base
  JOIN seed_wf wf ON wf.idx = base.w
  CROSS JOIN LATERAL (
    SELECT CASE WHEN base.created_at < wf.shadow_until THEN 'shadow' WHEN base.created_at < wf.draft_until THEN 'draft' ELSE 'execute' END AS mode,
           base.u_missing < 0.025 AS missing,
           (CASE wf.family WHEN 2 THEN ARRAY['software','travel','uncategorised','software'] ELSE ARRAY['refund','outage','how_to','other'] END)[1 + floor(base.u_label * 4)::int] AS label,
           CASE WHEN base.u_late < 0.03 THEN 600 + base.u_delay * 42600 ELSE 0.05 + base.u_delay * 1.5 END AS delay_s,
           0.3 + base.u_slot * 3.5 AS slot_s,
           -- Heavy-tailed human waits: most within the SLA, some late, a few (0.2 %) forgotten for good.
           CASE WHEN base.u_handoff < 0.002 THEN 1e9 ELSE 30 + 1800 * power(-ln(1 - base.u_apwait), 2.5) END AS ap_wait_s
  ) l1
  CROSS JOIN LATERAL (
    SELECT l1.missing OR base.u_exc < wf.exc_rate AS has_exc,
           CASE WHEN l1.missing THEN 1 ELSE wf.exc_step END AS exc_step,
           CASE WHEN l1.missing THEN 'missing_data'
                ELSE (ARRAY['low_confidence','low_confidence','low_confidence','invalid_output','invalid_output','tool_error','timeout','policy_blocked','model_error','low_confidence'])[1 + floor(base.u_reason * 10)::int] END AS reason,
           CASE WHEN base.u_resolution < 0.45 THEN 'retry' WHEN base.u_resolution < 0.70 THEN 'override_output' WHEN base.u_resolution < 0.90 THEN 'hand_off' ELSE 'cancel' END AS resolution,
           CASE WHEN base.u_decision < 0.80 THEN 'approve' WHEN base.u_decision < 0.92 THEN 'edit_and_approve' ELSE 'reject' END AS decision,
           l1.mode <> 'shadow' AND wf.gate > 0 AND CASE WHEN wf.alt_last IS NOT NULL THEN l1.label <> 'how_to' ELSE base.u_ap < wf.approval_rate END AS wants_ap
  ) l2
  CROSS JOIN LATERAL (
    SELECT l2.has_exc AND l2.resolution IN ('hand_off','cancel') AS stop_at_exc,
           -- An operator cancels a few runs early, before any exception or approval.
           NOT l2.has_exc AND base.u_fail >= 0.04 AND base.u_cancel < 0.01 AS user_cancel,
           l2.wants_ap AND NOT (l2.has_exc AND l2.resolution IN ('hand_off','cancel')) AND NOT (NOT l2.has_exc AND base.u_fail >= 0.04 AND base.u_cancel < 0.01) AS ap,
           CASE WHEN base.u_handoff > 0.997 THEN 1e9
                ELSE 300 + 10800 * power(-ln(1 - base.u_excwait), 2.5) * CASE WHEN l2.reason IN ('tool_error','timeout','model_error') THEN 0.5 ELSE 1 END END AS exc_wait_s,
           base.created_at + ${sec('l1.delay_s')} AS t_started
  ) l3
  CROSS JOIN LATERAL (
    SELECT l3.ap AND l2.decision = 'reject' AS rejected,
           NOT l3.stop_at_exc AND NOT (l3.ap AND l2.decision = 'reject') AND NOT l3.user_cancel AND base.u_fail < 0.04 AS failed,
           -- A few runs (0.02 %) hang on their last step's attempt: still running, long after they should have finished.
           NOT l3.stop_at_exc AND NOT (l3.ap AND l2.decision = 'reject') AND NOT l3.user_cancel AND base.u_fail >= 0.04 AND base.u_cancel > 0.9998 AS stuck,
           CASE WHEN l2.has_exc THEN l3.exc_wait_s + CASE WHEN l2.resolution = 'retry' THEN l1.slot_s ELSE 0 END ELSE 0 END AS w1,
           CASE WHEN l3.ap THEN l1.ap_wait_s ELSE 0 END AS w2,
           l3.t_started + ${sec('l2.exc_step * l1.slot_s')} AS t_exc,
           l3.t_started + ${sec('l2.exc_step * l1.slot_s + 0.3 * l3.exc_wait_s')} AS t_claim,
           l3.t_started + ${sec('l2.exc_step * l1.slot_s + l3.exc_wait_s')} AS t_exc_resolved
  ) l4
  CROSS JOIN LATERAL (
    SELECT CASE WHEN l3.stop_at_exc THEN l2.exc_step WHEN l4.rejected THEN wf.gate - 1 WHEN l3.user_cancel THEN 1 ELSE wf.n END AS n_reached,
           l3.t_started + ${sec('(wf.gate - 1) * l1.slot_s + l4.w1')} AS t_ap,
           l3.t_started + ${sec('(wf.gate - 1) * l1.slot_s + l4.w1 + l4.w2')} AS t_decided,
           CASE WHEN l3.stop_at_exc THEN l4.t_exc_resolved + interval '1 second'
                WHEN l4.rejected THEN l3.t_started + ${sec('(wf.gate - 1) * l1.slot_s + l4.w1 + l4.w2 + 0.5')}
                WHEN l3.user_cancel THEN l3.t_started + ${sec('1.5 * l1.slot_s + l4.w1')}
                WHEN l4.stuck THEN l3.t_started + ${sec('1e9')}
                ELSE l3.t_started + ${sec('wf.n * l1.slot_s + l4.w1 + l4.w2 + 0.2')} END AS t_finish,
           CASE WHEN l3.stop_at_exc THEN CASE l2.resolution WHEN 'hand_off' THEN 'handed_off' ELSE 'cancelled' END
                WHEN l4.rejected OR l3.user_cancel THEN 'cancelled'
                WHEN l4.failed THEN 'failed'
                ELSE 'completed' END AS final_status
  ) l5
  CROSS JOIN LATERAL (
    SELECT CASE
             WHEN l3.t_started > base.t_now THEN 'queued'
             WHEN l2.has_exc AND l4.t_exc <= base.t_now AND l4.t_exc_resolved > base.t_now THEN 'in_exception'
             WHEN l3.ap AND l5.t_ap <= base.t_now AND l5.t_decided > base.t_now THEN 'waiting_approval'
             WHEN l5.t_finish > base.t_now THEN 'running'
             ELSE l5.final_status END AS status
  ) l6`;

const RUNS = `
INSERT INTO runs (id, workflow_id, version_id, mode, status, input, input_hash, idempotency_key, external_ref, current_step_id, output, error, cancel_reason,
                  created_by, created_at, started_at, finished_at, updated_at, dispatch_seq)
SELECT id, workflow_id, version_id, mode, status, input, encode(sha256(convert_to(input::text, 'UTF8')), 'hex'), 'seed-' || i, CASE WHEN family <> 2 THEN input->>'ticketId' END,
       CASE status WHEN 'queued' THEN NULL
                   WHEN 'in_exception' THEN steps[exc_step]
                   WHEN 'waiting_approval' THEN steps[gate]
                   WHEN 'running' THEN steps[LEAST(n, 1 + floor(EXTRACT(EPOCH FROM t_now - t_started) / slot_s)::int)]
                   ELSE steps[GREATEST(1, n_reached)] END,
       CASE WHEN status = 'completed' THEN jsonb_build_object('label', label, 'confidence', round((0.6 + u_agree * 0.39)::numeric, 2)) END,
       CASE WHEN status = 'failed' THEN jsonb_build_object('code', 'tool_error', 'message', steps[n] || ' failed after 3 attempts: HTTP 502 from the action endpoint') END,
       CASE WHEN status = 'cancelled' THEN CASE WHEN rejected THEN 'approval_rejected' WHEN stop_at_exc THEN 'exception_cancelled' ELSE 'cancelled by the operator: duplicate request' END END,
       integrator, created_at,
       CASE WHEN status <> 'queued' THEN t_started END,
       CASE WHEN status IN ${TERMINAL} THEN t_finish END,
       CASE WHEN status IN ${TERMINAL} THEN t_finish ELSE LEAST(t_now, GREATEST(t_started, created_at)) END,
       GREATEST(1, n_reached)
  FROM (
    SELECT b.*,
           CASE family
             WHEN 2 THEN jsonb_build_object('invoiceId', 'INV-' || i, 'supplier', (ARRAY['Acme GmbH','Globex','Initech','Umbrella BV'])[1 + (i % 4)::int],
                                          'amount', round((20 + u_slot * u_slot * 20000)::numeric, 2),
                                          'description', CASE label WHEN 'software' THEN 'SaaS subscription renewal' WHEN 'travel' THEN 'Hotel and train for the sales offsite' ELSE 'Consulting, phase 2' END)
             WHEN 3 THEN jsonb_build_object('ticketId', 'T-' || i, 'message', CASE label WHEN 'how_to' THEN 'How do I export my data to CSV?' ELSE 'Something is off with my account' END)
             ELSE jsonb_build_object('ticketId', 'T-' || i, 'customerEmail', 'customer' || (i % 75000) || '@example.com',
                                     'message', CASE label WHEN 'refund' THEN 'I was charged twice, I want my money back' WHEN 'outage' THEN 'The dashboard is down with a 500 error'
                                                           WHEN 'how_to' THEN 'How do I export my data to CSV?' ELSE 'Please update the company address on my invoices' END)
           END - CASE WHEN missing THEN missing_field ELSE '' END AS input
      FROM b
  ) r`;

/** One row per attempt: retries fail first, the failing step of a failed run fails three times, the exception step fails before its exception. */
const STEP_ATTEMPTS = `
INSERT INTO step_attempts (id, run_id, step_id, attempt, status, output, provider, model, prompt_version, tokens_in, tokens_out, cost_usd, latency_ms, confidence, error,
                           started_at, finished_at, step_kind, dispatch_seq, effect_key)
SELECT ${uuidSql('attempt', "x.i || ':' || x.s || ':' || x.a")}, x.id, x.step_id, x.a,
       CASE WHEN x.t_end > x.t_now THEN 'running' WHEN x.ok THEN 'succeeded' ELSE 'failed' END,
       CASE WHEN x.ok AND x.t_end <= x.t_now THEN jsonb_build_object('label', x.label) END,
       CASE WHEN x.is_agent THEN 'openai' WHEN x.kind = 'rules' THEN 'rules' END,
       CASE WHEN x.is_agent THEN CASE WHEN x.spiking THEN 'gpt-4o' ELSE 'gpt-4o-mini' END END,
       CASE WHEN x.is_agent THEN CASE WHEN x.spiking THEN 'draft-v3' ELSE 'draft-v2' END END,
       CASE WHEN x.is_agent THEN x.tokens_in END,
       CASE WHEN x.is_agent THEN x.tokens_out END,
       CASE WHEN x.is_agent THEN round(((x.tokens_in * 0.15 + x.tokens_out * 0.6) / 1e6 * 20 * x.cost_factor * CASE WHEN x.spiking THEN 3 ELSE 1 END * CASE WHEN x.u_spike < 0.005 THEN 8 ELSE 1 END)::numeric, 6) END,
       CASE WHEN x.t_end <= x.t_now THEN round(EXTRACT(EPOCH FROM x.t_end - x.t_begin) * 1000)::int END,
       CASE WHEN x.kind IN ('rules','agent','validate') THEN CASE WHEN x.low THEN 0.3 + x.u_agree * 0.25 ELSE 0.6 + x.u_agree * 0.39 END END,
       CASE WHEN NOT x.ok THEN jsonb_build_object('code', x.err, 'message', x.err || ' on ' || x.step_id) END,
       x.t_begin, CASE WHEN x.t_end <= x.t_now THEN x.t_end END, x.kind, x.s,
       CASE WHEN x.kind = 'action' THEN x.id || ':' || x.step_id END
  FROM (
    SELECT b.i, b.id, b.t_now, b.label, b.u_agree, b.u_spike, b.cost_factor, s.s, a.a, k.kind,
           CASE WHEN s.s = b.n AND NOT b.ap AND b.alt_last IS NOT NULL THEN b.alt_last ELSE b.steps[s.s] END AS step_id,
           s.s = b.agent_step AS is_agent,
           b.spike_from IS NOT NULL AND b.created_at >= b.spike_from AND b.created_at < b.spike_to AS spiking,
           600 + floor(b.u_slot * 2400)::int AS tokens_in, 80 + floor(b.u_delay * 500)::int AS tokens_out,
           t.t_begin, t.t_end,
           (a.a = c.attempts AND NOT c.fails_all AND NOT (c.exc_here AND b.resolution <> 'retry')) OR (c.exc_here AND b.reason = 'low_confidence' AND a.a = 1) AS ok,
           c.exc_here AND b.reason = 'low_confidence' AND a.a = 1 AS low,
           CASE WHEN c.exc_here AND a.a = 1 THEN b.reason WHEN c.fails_all THEN 'tool_error' ELSE (ARRAY['timeout','tool_error','model_error'])[1 + (a.a % 3)] END AS err
      FROM b
      CROSS JOIN LATERAL generate_series(1, b.n_reached) s(s)
      CROSS JOIN LATERAL (SELECT b.kinds[s.s] AS kind, ${rnd('b.i * 8 + s.s', 40)} AS u_retry) k
      CROSS JOIN LATERAL (
        SELECT b.has_exc AND s.s = b.exc_step AS exc_here,
               b.failed AND s.s = b.n AS fails_all,
               CASE WHEN b.has_exc AND s.s = b.exc_step THEN CASE WHEN b.resolution = 'retry' THEN 2 ELSE 1 END
                    WHEN b.failed AND s.s = b.n THEN 3
                    WHEN k.u_retry < 0.07 THEN 2 WHEN k.u_retry < 0.085 THEN 3 ELSE 1 END AS attempts,
               b.t_started + (((s.s - 1) * b.slot_s + CASE WHEN b.has_exc AND s.s > b.exc_step THEN b.w1 ELSE 0 END
                              + CASE WHEN b.ap AND s.s >= b.gate THEN b.w2 ELSE 0 END) * interval '1 second') AS t_step
      ) c
      CROSS JOIN LATERAL generate_series(1, c.attempts) a(a)
      CROSS JOIN LATERAL (
        SELECT CASE WHEN c.exc_here AND a.a = 2 THEN b.t_exc_resolved ELSE c.t_step + ((a.a - 1) * b.slot_s / c.attempts) * interval '1 second' END AS t_begin,
               CASE WHEN b.stuck AND s.s = b.n_reached AND a.a = c.attempts THEN b.t_finish
                    WHEN c.exc_here AND a.a = 2 THEN b.t_exc_resolved + (b.slot_s * 0.9) * interval '1 second'
                    ELSE c.t_step + ((a.a * b.slot_s / c.attempts) * 0.95) * interval '1 second' END AS t_end
      ) t
     WHERE k.kind <> 'approval' AND b.status <> 'queued'
  ) x
 WHERE x.t_begin <= x.t_now`;

const APPROVALS = `
INSERT INTO approvals (id, run_id, workflow_id, step_id, action_name, action_class, required_role, status, decision, proposed, edited, diff, decided_by, reason, due_at, created_at, decided_at)
SELECT ${uuidSql('approval', 'i')}, id, workflow_id, steps[gate],
       CASE WHEN kinds[gate] = 'action' THEN (ARRAY['send_reply','send_reply','schedule_payment','send_help_article'])[family + 1] END,
       gate_class, gate_role,
       CASE WHEN t_decided > t_now THEN 'pending' WHEN decision = 'reject' THEN 'rejected' ELSE 'approved' END,
       CASE WHEN t_decided <= t_now THEN decision END,
       jsonb_build_object('label', label, 'text', 'Hello, thanks for reaching out about your ' || label || ' request.'),
       CASE WHEN t_decided <= t_now AND decision = 'edit_and_approve' THEN jsonb_build_object('label', label, 'text', 'Hi! Sorry about the trouble with your ' || label || ' request; it is sorted.') END,
       CASE WHEN t_decided <= t_now AND decision = 'edit_and_approve' THEN jsonb_build_array(jsonb_build_object('op', 'replace', 'path', '/text')) END,
       CASE WHEN t_decided <= t_now THEN CASE WHEN gate_role = 'owner' THEN owner ELSE reviewers[1 + floor(u_who * 3)::int] END END,
       CASE WHEN t_decided <= t_now AND decision = 'reject' THEN 'Wrong answer for this customer'
            WHEN t_decided <= t_now AND decision = 'edit_and_approve' THEN 'Tone too formal' END,
       t_ap + sla_ap * interval '1 minute', t_ap, CASE WHEN t_decided <= t_now THEN t_decided END
  FROM b
 WHERE ap AND t_ap <= t_now AND status <> 'queued'`;

const EXCEPTIONS = `
INSERT INTO exception_items (id, run_id, workflow_id, step_id, reason, status, details, assignee_id, claimed_at, due_at, resolution, resolution_note, resolution_output, hand_off_to, resolved_by, resolved_at, created_at)
SELECT ${uuidSql('exception', 'i')}, id, workflow_id, steps[exc_step], reason, st,
       CASE WHEN reason = 'missing_data' THEN jsonb_build_object('message', 'The input has no ' || missing_field, 'missing', jsonb_build_array(missing_field))
            ELSE jsonb_build_object('message', replace(reason, '_', ' ') || ' on step ' || steps[exc_step]) END,
       CASE WHEN st <> 'open' THEN reviewers[1 + floor(u_who * 3)::int] END,
       CASE WHEN st <> 'open' THEN t_claim END,
       t_exc + sla_exc * interval '1 minute',
       CASE WHEN st = 'resolved' THEN resolution END,
       CASE WHEN st = 'resolved' THEN CASE resolution WHEN 'retry' THEN 'Provider was flaky; retried' WHEN 'override_output' THEN 'Checked by hand' WHEN 'hand_off' THEN 'Needs tier 2' ELSE 'Duplicate; cancelled' END END,
       CASE WHEN st = 'resolved' AND resolution = 'override_output' THEN jsonb_build_object('label', label, 'confidence', 1) END,
       CASE WHEN st = 'resolved' AND resolution = 'hand_off' THEN 'tier2' END,
       CASE WHEN st = 'resolved' THEN reviewers[1 + floor(u_who * 3)::int] END,
       CASE WHEN st = 'resolved' THEN t_exc_resolved END,
       t_exc
  FROM (SELECT b.*, CASE WHEN t_exc_resolved <= t_now THEN 'resolved' WHEN t_claim <= t_now THEN 'claimed' ELSE 'open' END AS st FROM b) b
 WHERE has_exc AND t_exc <= t_now AND status <> 'queued'`;

/** Shadow runs that finished: most get a human outcome a little later; about one in six disagrees with the AI. */
const SHADOW_OUTCOMES = `
INSERT INTO shadow_outcomes (run_id, workflow_id, human_outcome, ai_outcome, agreed, recorded_by, recorded_at)
SELECT id, workflow_id, jsonb_build_object('label', human), ai, CASE WHEN ai IS NULL THEN NULL ELSE human = label END,
       reviewers[1 + floor(u_who * 3)::int], LEAST(t_now, t_finish + u_recorded * interval '2 days')
  FROM (SELECT b.*,
               CASE WHEN u_agree < 0.84 THEN label ELSE (ARRAY['refund','outage','how_to','other','software'])[1 + floor(u_shadow * 5)::int] END AS human,
               CASE WHEN status = 'completed' THEN jsonb_build_object('label', label) END AS ai
          FROM b) b
 WHERE mode = 'shadow' AND status IN ${TERMINAL} AND u_shadow < 0.7`;

/**
 * Hand-offs for handed-off runs, written only when the table exists and only into the columns
 * it has (a column this map does not know must be nullable or have a default).
 */
const HAND_OFF_VALUES: Record<string, string> = {
  id: uuidSql('handoff', 'i'),
  run_id: 'id',
  workflow_id: 'workflow_id',
  exception_id: uuidSql('exception', 'i'),
  target: `'tier2'`,
  status: 'ho_status',
  due_at: `t_finish + interval '1 day'`,
  note: `'Customer needs a person: ' || label`,
  created_at: 't_finish',
  updated_at: 'COALESCE(ho_closed, t_finish)',
  closed_at: 'ho_closed',
};
const HAND_OFF_FROM = `
  FROM (SELECT b.*,
               CASE WHEN ho_status0 IN ('completed','failed','bounced') AND ho_closed0 > t_now THEN 'accepted' ELSE ho_status0 END AS ho_status,
               CASE WHEN ho_status0 IN ('completed','failed','bounced') AND ho_closed0 <= t_now THEN ho_closed0 END AS ho_closed
          FROM (SELECT b.*,
                       CASE WHEN u_handoff < 0.55 THEN 'completed' WHEN u_handoff < 0.70 THEN 'accepted' WHEN u_handoff < 0.78 THEN 'failed'
                            WHEN u_handoff < 0.86 THEN 'bounced' ELSE 'pending' END AS ho_status0,
                       t_finish + (u_recorded * u_recorded * 48) * interval '1 hour' AS ho_closed0
                  FROM b) b) b
 WHERE status = 'handed_off'`;

export function handOffSql(columns: ColumnInfo[]): { sql: string; unknownRequired: string[] } {
  const known = columns.filter((c) => HAND_OFF_VALUES[c.name] !== undefined);
  const unknownRequired = columns.filter((c) => c.required && HAND_OFF_VALUES[c.name] === undefined).map((c) => c.name);
  const sql = `INSERT INTO hand_offs (${known.map((c) => c.name).join(', ')}) SELECT ${known.map((c) => HAND_OFF_VALUES[c.name]).join(', ')} ${HAND_OFF_FROM}`;
  return { sql, unknownRequired };
}

/**
 * The statements of one batch, in order; each takes a prefix of ($1 seed, $2 first run index, $3 end,
 * $4 cumulative workflow shares, $5 cumulative hourly-slot shares). The arrays go as parameters,
 * not from a table: a 4,000-element array read from a row is detoasted again for every run.
 */
export function batchSql(handOffColumns: ColumnInfo[] | null): string[] {
  const statements = [STORY, RUNS, STEP_ATTEMPTS, APPROVALS, EXCEPTIONS, SHADOW_OUTCOMES];
  if (handOffColumns) {
    const h = handOffSql(handOffColumns);
    if (h.unknownRequired.length === 0) statements.push(h.sql);
  }
  return statements;
}
