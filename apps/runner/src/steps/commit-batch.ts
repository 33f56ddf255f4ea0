import { ApprovalEntity, auditInputFor, appendAuditEvents, captureWebhookEvents, ExceptionItemEntity, fromApproval, fromExceptionItem, fromHandOff, HandOffEntity, insertEntity, inTransaction, OUTBOX_CHANNEL, type AppendAuditEventInput, type Tx, type WebhookEventSource } from '@gatehouse/db';
import { AGENT_SCOPE_PATH_ROOTS, attemptStatusFor, GATE_OUTPUT_PATH_ROOTS, handOffFromException, redactStepTrace, isAuditedEvent, progressRun, STEP_DISPATCH_TOPIC, stepDispatchMessage, type DomainEvent, type Run, type StepDispatch } from '@gatehouse/domain';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { Execution } from './execute-step.js';

export interface ParkedDispatch {
  dispatch: StepDispatch;
  run: Run;
}

export interface CommitOptions {
  transport: 'kafka' | 'postgres';
  /** Kafka: exhausted dispatches are also relayed to this topic through the outbox. */
  deadLetterTopic: string | null;
  /** Acknowledges the batch's deliveries in the commit's transaction (BatchControls.acknowledgeIn). */
  acknowledge?: (tx: Tx) => Promise<void>;
}

export interface CommitResult {
  committed: number;
  /** Executions dropped because the run moved on meanwhile (another runner, a cancel). */
  stale: number;
  parked: number;
}

/**
 * Commits a batch of step results in one transaction: for every run still where its execution
 * found it, the attempt, the run's next state, any approval or exception it opened, the next
 * dispatch and the audit events, each written with one multi-row statement; on the Postgres
 * transport also the acknowledgement of the batch's deliveries (options.acknowledge). A run that moved
 * on meanwhile (fencing token changed) is skipped: its result is stale and must not count.
 */
export function commitBatch(ds: DataSource, executions: Execution[], parked: ParkedDispatch[], options: CommitOptions): Promise<CommitResult> {
  return inTransaction(ds, async (tx) => {
    const now = new Date();
    const ids = [...new Set([...executions.map((e) => e.run.id), ...parked.map((p) => p.run.id)])].sort();
    const locked = new Map(
      ((await tx.query(`SELECT id::text AS id, status, dispatch_seq, current_step_id FROM runs WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`, [ids])) as Array<{
        id: string;
        status: string;
        dispatch_seq: number;
        current_step_id: string | null;
      }>).map((r) => [r.id, r]),
    );
    const unchanged = (run: Run) => {
      const now = locked.get(run.id);
      return now !== undefined && now.status === run.status && now.dispatch_seq === run.dispatchSeq && now.current_step_id === run.currentStepId;
    };

    const fresh = executions.filter((e) => unchanged(e.run));
    const runs: Run[] = [];
    // Built per run: its version's privacy policy redacts the events' payloads (auditInputFor).
    const events: AppendAuditEventInput[] = [];
    // The same events, for the webhook deliveries integrators subscribed to (the run says whether it is a challenger).
    const webhookSources: WebhookEventSource[] = [];
    const outbox: Array<{ topic: string; key: string; payload: unknown; availableAt: Date }> = [];
    const approvals: ApprovalEntity[] = [];
    const exceptions: ExceptionItemEntity[] = [];
    const handOffs: HandOffEntity[] = [];
    const deadLetters: Array<{ key: string; payload: string; reason: string; runId: string }> = [];

    for (const e of fresh) {
      const progress = progressRun({ run: e.run, definition: e.definition, stepId: e.step.id, tryNo: e.tryNo, outcome: e.outcome, now, newId: randomUUID, effectKey: e.effectKey });
      runs.push(progress.run);
      const audit = (evs: readonly DomainEvent[]) => {
        events.push(...evs.map((ev) => auditInputFor(null, ev, now, e.definition.privacy)));
        webhookSources.push(...evs.map((event) => ({ event, occurredAt: now, run: e.run })));
      };
      audit(progress.events.filter(isAuditedEvent));
      if (progress.next) {
        const dispatch = stepDispatchMessage({ ...progress.next.dispatch, ...(e.traceparent ? { traceparent: e.traceparent } : {}) });
        outbox.push({ topic: STEP_DISPATCH_TOPIC, key: e.run.id, payload: dispatch, availableAt: progress.next.availableAt });
      }
      if (progress.approval) approvals.push(fromApproval(progress.approval));
      if (progress.exception) exceptions.push(fromExceptionItem(progress.exception));
      // The exception policy handed the run off: track the hand-off until the manual path reports back.
      const handOff = progress.exception ? handOffFromException(progress.exception, randomUUID(), now) : null;
      if (handOff) {
        handOffs.push(fromHandOff(handOff.state));
        audit(handOff.events);
      }
      if (progress.deadLetterReason) {
        const payload = JSON.stringify(e.dispatch);
        deadLetters.push({ key: e.run.id, payload, reason: progress.deadLetterReason, runId: e.run.id });
        if (options.deadLetterTopic) outbox.push({ topic: options.deadLetterTopic, key: e.run.id, payload: { ...e.dispatch, deadLetterReason: progress.deadLetterReason }, availableAt: now });
      }
    }

    await insertAttempts(tx, fresh);
    await updateRuns(tx, runs);
    if (approvals.length) await insertEntity(tx, ApprovalEntity, approvals);
    if (exceptions.length) await insertEntity(tx, ExceptionItemEntity, exceptions);
    if (handOffs.length) await insertEntity(tx, HandOffEntity, handOffs);
    await parkDispatches(tx, parked.filter((p) => unchanged(p.run)), outbox, now);
    await insertOutbox(tx, outbox);
    if (deadLetters.length) {
      await tx.query(
        `INSERT INTO dead_letters (transport, topic, message_key, payload, reason, run_id)
         SELECT $1, $2, v.key, v.payload, v.reason, v.run_id FROM jsonb_to_recordset($3::jsonb) AS v(key text, payload text, reason text, run_id uuid)`,
        [options.transport, STEP_DISPATCH_TOPIC, JSON.stringify(deadLetters.map((d) => ({ key: d.key, payload: d.payload, reason: d.reason, run_id: d.runId })))],
      );
    }
    await options.acknowledge?.(tx);
    await captureWebhookEvents(tx, webhookSources);
    // Last, so the audit chain's lock is held for as short a time as possible.
    await appendAuditEvents(tx, events);
    return { committed: fresh.length, stale: executions.length - fresh.length, parked: parked.length };
  });
}

async function insertAttempts(tx: Tx, executions: Execution[]): Promise<void> {
  if (executions.length === 0) return;
  const rows = executions.map((e) => {
    const o = e.outcome;
    const trace = redactedTrace(e);
    return {
      run_id: e.run.id,
      step_id: e.step.id,
      step_kind: e.step.kind,
      attempt: e.attempt,
      dispatch_seq: e.run.dispatchSeq,
      status: attemptStatusFor(o),
      ...trace,
      provider: e.trace.provider,
      model: e.trace.model,
      prompt_version: e.trace.promptVersion,
      tokens_in: e.trace.tokensIn,
      tokens_out: e.trace.tokensOut,
      cost_usd: e.trace.costUsd,
      latency_ms: Math.round(e.trace.latencyMs),
      confidence: e.trace.confidence ?? (o.type === 'succeeded' ? (o.confidence ?? null) : null),
      effect_key: e.effectKey,
      started_at: e.startedAt.toISOString(),
      finished_at: e.finishedAt.toISOString(),
    };
  });
  await tx.query(
    `INSERT INTO step_attempts (run_id, step_id, step_kind, attempt, dispatch_seq, status, input, output, provider, model, prompt_version,
                                tokens_in, tokens_out, cost_usd, latency_ms, confidence, validation, error, effect_key, started_at, finished_at,
                                redactions, execution_output)
     SELECT v.run_id, v.step_id, v.step_kind, v.attempt, v.dispatch_seq, v.status, v.input, v.output, v.provider, v.model, v.prompt_version,
            v.tokens_in, v.tokens_out, v.cost_usd, v.latency_ms, v.confidence, v.validation, v.error, v.effect_key, v.started_at, v.finished_at,
            v.redactions, v.execution_output
     FROM jsonb_to_recordset($1::jsonb) AS v(run_id uuid, step_id text, step_kind text, attempt int, dispatch_seq int, status text, input jsonb,
          output jsonb, provider text, model text, prompt_version text, tokens_in int, tokens_out int, cost_usd numeric, latency_ms int,
          confidence float8, validation jsonb, error jsonb, effect_key text, started_at timestamptz, finished_at timestamptz,
          redactions jsonb, execution_output jsonb)`,
    [JSON.stringify(rows)],
  );
}

/**
 * The attempt's trace as stored: input, output, validation and error redacted by the
 * workflow's privacy policy (redaction.ts; deterministic, so a redelivered step stores the
 * same trace), the summary of what was replaced, and — only when redaction changed a
 * succeeded step's output — the unredacted output in execution_output, because later steps of
 * the run read earlier outputs back from here (batch-context.ts loadPriorAttempts).
 */
function redactedTrace(e: Execution) {
  const o = e.outcome;
  const output = o.type === 'succeeded' ? o.output : o.type === 'gate' ? { proposed: o.proposed } : null;
  const { payloads, summary } = redactStepTrace(
    {
      input: e.input,
      output,
      validation: o.type === 'succeeded' ? (o.validation ?? null) : o.type === 'failed' && o.details ? { reason: o.reason, ...o.details } : null,
      error: o.type === 'failed' ? { reason: o.reason, message: o.message, retryable: o.retryable } : null,
    },
    e.definition.privacy,
    { pathRoots: { input: e.step.kind === 'agent' ? AGENT_SCOPE_PATH_ROOTS : [''], output: o.type === 'gate' ? GATE_OUTPUT_PATH_ROOTS : [''] } },
  );
  const outputChanged = o.type === 'succeeded' && JSON.stringify(payloads.output) !== JSON.stringify(output);
  return { ...payloads, redactions: summary, execution_output: outputChanged ? output : null };
}

async function updateRuns(tx: Tx, runs: Run[]): Promise<void> {
  if (runs.length === 0) return;
  const rows = runs.map((r) => ({
    id: r.id,
    status: r.status,
    current_step_id: r.currentStepId,
    dispatch_seq: r.dispatchSeq,
    output: r.output,
    error: r.error,
    cancel_reason: r.cancelReason,
    started_at: r.startedAt?.toISOString() ?? null,
    finished_at: r.finishedAt?.toISOString() ?? null,
    updated_at: r.updatedAt.toISOString(),
  }));
  await tx.query(
    `UPDATE runs r SET status = v.status, current_step_id = v.current_step_id, dispatch_seq = v.dispatch_seq, output = v.output, error = v.error,
            cancel_reason = v.cancel_reason, started_at = v.started_at, finished_at = v.finished_at, updated_at = v.updated_at
     FROM jsonb_to_recordset($1::jsonb) AS v(id uuid, status text, current_step_id text, dispatch_seq int, output jsonb, error jsonb,
          cancel_reason text, started_at timestamptz, finished_at timestamptz, updated_at timestamptz)
     WHERE r.id = v.id`,
    [JSON.stringify(rows)],
  );
}

/**
 * Holds the dispatches of paused workflows until resume releases them. The workflow row is
 * share-locked so a resume cannot commit in between: if it already did, the dispatch goes
 * straight back to the queue instead of waiting for a resume that has happened.
 */
async function parkDispatches(tx: Tx, parked: ParkedDispatch[], outbox: Array<{ topic: string; key: string; payload: unknown; availableAt: Date }>, now: Date): Promise<void> {
  if (parked.length === 0) return;
  const workflowIds = [...new Set(parked.map((p) => p.run.workflowId))].sort();
  const stillPaused = new Set(
    ((await tx.query(`SELECT id::text AS id, paused FROM workflows WHERE id = ANY($1::uuid[]) ORDER BY id FOR SHARE`, [workflowIds])) as Array<{ id: string; paused: boolean }>)
      .filter((w) => w.paused)
      .map((w) => w.id),
  );
  const park = parked.filter((p) => stillPaused.has(p.run.workflowId));
  for (const p of parked) if (!stillPaused.has(p.run.workflowId)) outbox.push({ topic: STEP_DISPATCH_TOPIC, key: p.run.id, payload: p.dispatch, availableAt: now });
  if (park.length === 0) return;
  await tx.query(
    `INSERT INTO parked_dispatches (run_id, workflow_id, payload)
     SELECT v.run_id, v.workflow_id, v.payload FROM jsonb_to_recordset($1::jsonb) AS v(run_id uuid, workflow_id uuid, payload jsonb)
     ON CONFLICT (run_id) DO UPDATE SET payload = EXCLUDED.payload, parked_at = now()`,
    [JSON.stringify(park.map((p) => ({ run_id: p.run.id, workflow_id: p.run.workflowId, payload: p.dispatch })))],
  );
}

async function insertOutbox(tx: Tx, rows: Array<{ topic: string; key: string; payload: unknown; availableAt: Date }>): Promise<void> {
  if (rows.length === 0) return;
  await tx.query(
    `INSERT INTO outbox (topic, message_key, payload, available_at)
     SELECT v.topic, v.key, v.payload, v.available_at FROM jsonb_to_recordset($1::jsonb) AS v(topic text, key text, payload jsonb, available_at timestamptz)`,
    [JSON.stringify(rows.map((r) => ({ topic: r.topic, key: r.key, payload: r.payload, available_at: r.availableAt.toISOString() })))],
  );
  for (const topic of new Set(rows.map((r) => r.topic))) await tx.query('SELECT pg_notify($1, $2)', [OUTBOX_CHANNEL, topic]);
}
