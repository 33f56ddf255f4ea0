import {
  applyRunCommand,
  ApprovalEntity,
  dispatchStep,
  ExceptionItemEntity,
  fromApproval,
  fromExceptionItem,
  inTransaction,
  loadRun,
  recordEvents,
  toApproval,
  toExceptionItem,
} from '@gatehouse/db';
import { assertValidDefinition, decideApproval, resolveException, STEP_DISPATCH_TOPIC, type Actor, type DecisionInput, type JsonValue, type ResolutionInput, type RolloutStage, type WorkflowDefinition } from '@gatehouse/domain';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { BatchHandler, Delivery } from '../transport/transport.js';

export interface SeededWorkflow {
  workflowId: string;
  versionId: string;
  ownerId: string;
  reviewer: Actor;
}

/** A published workflow at `stage`, written straight to the tables the runner reads. */
export async function seedWorkflow(ds: DataSource, key: string, definition: WorkflowDefinition, stage: RolloutStage): Promise<SeededWorkflow> {
  assertValidDefinition(definition);
  const [owner] = (await ds.query(`INSERT INTO principals (name, email, role) VALUES ('Owner', $1, 'owner') RETURNING id::text AS id`, [`owner-${key}@example.com`])) as Array<{ id: string }>;
  const [reviewer] = (await ds.query(`INSERT INTO principals (name, email, role) VALUES ('Reviewer', $1, 'reviewer') RETURNING id::text AS id`, [`reviewer-${key}@example.com`])) as Array<{ id: string }>;
  const [workflow] = (await ds.query(`INSERT INTO workflows (key, name, rollout_stage, created_by) VALUES ($1, $1, $2, $3) RETURNING id::text AS id`, [key, stage, owner!.id])) as Array<{ id: string }>;
  const [version] = (await ds.query(
    `INSERT INTO workflow_versions (workflow_id, version, status, definition, author_id, published_at) VALUES ($1, 1, 'published', $2::jsonb, $3, now()) RETURNING id::text AS id`,
    [workflow!.id, JSON.stringify(definition), owner!.id],
  )) as Array<{ id: string }>;
  await ds.query(`UPDATE workflows SET published_version_id = $1 WHERE id = $2`, [version!.id, workflow!.id]);
  return { workflowId: workflow!.id, versionId: version!.id, ownerId: owner!.id, reviewer: { id: reviewer!.id, role: 'reviewer' } };
}

/** A queued run and its first dispatch, committed together as startRun does. */
export async function startRun(ds: DataSource, wf: SeededWorkflow, input: JsonValue, mode?: RolloutStage): Promise<string> {
  const id = randomUUID();
  await inTransaction(ds, async (tx) => {
    const [row] = (await tx.query(
      `INSERT INTO runs (id, workflow_id, version_id, mode, status, input, input_hash, idempotency_key, current_step_id, created_by)
       SELECT $1, w.id, w.published_version_id, COALESCE($3, w.rollout_stage), 'queued', $4::jsonb, md5($4::text), $6, v.definition->'steps'->0->>'id', $5
       FROM workflows w JOIN workflow_versions v ON v.id = w.published_version_id WHERE w.id = $2
       RETURNING current_step_id`,
      [id, wf.workflowId, mode ?? null, JSON.stringify(input), wf.ownerId, id],
    )) as Array<{ current_step_id: string }>;
    await dispatchStep(tx, { runId: id, stepId: row!.current_step_id, cause: 'started', seq: 1 });
  });
  return id;
}

/**
 * Feeds the step handler everything due in the outbox, as a transport would, until nothing is
 * due. `dueNow` first makes delayed dispatches (backoff) due, to skip the wait.
 */
export async function drain(ds: DataSource, handler: BatchHandler, options: { dueNow?: boolean; maxRounds?: number } = {}): Promise<Delivery[]> {
  const seen: Delivery[] = [];
  for (let round = 0; round < (options.maxRounds ?? 50); round++) {
    if (options.dueNow) await ds.query(`UPDATE outbox SET available_at = now() WHERE published_at IS NULL AND topic = $1`, [STEP_DISPATCH_TOPIC]);
    const rows = (await ds.query(
      `UPDATE outbox SET published_at = now() WHERE id IN (
         SELECT id FROM outbox WHERE topic = $1 AND published_at IS NULL AND available_at <= now() ORDER BY id LIMIT 200)
       RETURNING id::text AS id, message_key, payload::text AS value`,
      [STEP_DISPATCH_TOPIC],
    )) as [Array<{ id: string; message_key: string; value: string }>, number];
    const batch = rows[0].map((r) => ({ id: `outbox:${r.id}`, key: r.message_key, value: r.value, deliveryCount: 1 }));
    if (batch.length === 0) return seen;
    seen.push(...batch);
    await handler(batch);
  }
  throw new Error('drain: the outbox did not empty');
}

export async function runRow(ds: DataSource, runId: string): Promise<{ status: string; current_step_id: string | null; dispatch_seq: number; output: JsonValue; error: JsonValue }> {
  const [row] = (await ds.query(`SELECT status, current_step_id, dispatch_seq, output, error FROM runs WHERE id = $1`, [runId])) as Array<never>;
  return row!;
}

export async function attempts(ds: DataSource, runId: string): Promise<Array<Record<string, unknown>>> {
  return (await ds.query(`SELECT * FROM step_attempts WHERE run_id = $1 ORDER BY started_at, attempt`, [runId])) as Array<Record<string, unknown>>;
}

/** Decides the run's pending (single-approver) approval as the API's decideApproval does, without the decision record. */
export async function decide(ds: DataSource, runId: string, actor: Actor, input: DecisionInput): Promise<void> {
  await inTransaction(ds, async (tx) => {
    const run = await loadRun(tx, runId, true);
    const row = await tx.findOneOrFail(ApprovalEntity, { where: { runId, status: 'pending' }, lock: { mode: 'pessimistic_write' } });
    const decided = decideApproval(toApproval(row), input, actor, new Date());
    await tx.save(ApprovalEntity, fromApproval(decided.state));
    // The runner's tests gate with one approver: the first decision settles the approval.
    if (!decided.runCommand) throw new Error('decide(): this approval needs more approvers than the fixture gives it');
    const moved = await applyRunCommand(tx, run, decided.runCommand, actor, new Date(), decided.state.id);
    await recordEvents(tx, actor, [...decided.events, ...moved.events]);
  });
}

/** Resolves the run's open exception as the API's resolveException does. */
export async function resolve(ds: DataSource, runId: string, actor: Actor, input: ResolutionInput): Promise<void> {
  await inTransaction(ds, async (tx) => {
    const run = await loadRun(tx, runId, true);
    const row = await tx.findOneOrFail(ExceptionItemEntity, { where: { runId, status: 'open' }, lock: { mode: 'pessimistic_write' } });
    const resolved = resolveException(toExceptionItem(row), input, actor, new Date());
    await tx.save(ExceptionItemEntity, fromExceptionItem(resolved.state));
    const moved = await applyRunCommand(tx, run, resolved.runCommand, actor, new Date(), resolved.state.id);
    await recordEvents(tx, actor, [...resolved.events, ...moved.events]);
  });
}

export async function auditActions(ds: DataSource, runId: string): Promise<string[]> {
  const rows = (await ds.query(`SELECT action FROM audit_events WHERE subject_id = $1 OR $1 = ANY(scope_ids) ORDER BY seq`, [runId])) as Array<{ action: string }>;
  return rows.map((r) => r.action);
}
