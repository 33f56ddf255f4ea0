import { ApprovalEntity, ExceptionItemEntity, fromApproval, fromExceptionItem, fromRun, inTransaction, insertEntity, loadRun, recordEvents, RunEntity, toApproval, WorkflowVersionEntity } from '@gatehouse/db';
import {
  AGENT_SCOPE_PATH_ROOTS,
  attemptStatusFor,
  checkConfidence,
  findStep,
  GATE_OUTPUT_PATH_ROOTS,
  isAuditedEvent,
  planStep,
  progressRun,
  redactStepTrace,
  type AgentStep,
  type JsonValue,
  type StepOutcome,
  type WorkflowDefinition,
} from '@gatehouse/domain';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';

/** What a model answers an agent step in these tests (no network model is ever called). */
export interface ModelReply {
  output: JsonValue;
  model?: string;
  promptVersion?: string;
  tokensIn?: number;
  tokensOut?: number;
  costUsd?: number;
  latencyMs?: number;
}

export interface DriveOptions {
  model: (step: AgentStep, scope: { input: JsonValue; steps: Record<string, JsonValue> }) => ModelReply;
}

/**
 * Runs a run's steps until it waits for a person or finishes, the way the runner does (the API's
 * tests cannot start the runner: apps never import each other): the domain plans each step
 * (planStep), a model reply or a delivered webhook stands in for the outside world, the trace is
 * redacted and stored as commit-batch stores it, and progressRun moves the run on, all in one
 * transaction per step. After a person approves, call it again to carry the run on.
 */
export async function driveRun(ds: DataSource, runId: string, options: DriveOptions): Promise<void> {
  for (let guard = 0; guard < 50; guard++) {
    const moved = await inTransaction(ds, async (tx) => {
      const run = await loadRun(tx, runId, true);
      if (run.status !== 'queued' && run.status !== 'running') return false;
      const definition = (await tx.findOneOrFail(WorkflowVersionEntity, { where: { id: run.versionId } })).definition as unknown as WorkflowDefinition;
      const step = findStep(definition, run.currentStepId!)!;
      const prior: Array<{ step_id: string; attempt: number; status: string; output: JsonValue | null; execution_output: JsonValue | null }> = await tx.query(
        `SELECT step_id, attempt, status, output, execution_output FROM step_attempts WHERE run_id = $1 ORDER BY started_at, attempt`,
        [runId],
      );
      const outputs: Record<string, JsonValue> = {};
      for (const p of prior) if (p.status === 'succeeded') outputs[p.step_id] = p.execution_output ?? p.output!;
      const ofStep = prior.filter((p) => p.step_id === step.id);
      const attempt = (ofStep.at(-1)?.attempt ?? 0) + 1;
      // A gated step that comes back after its approval carries the grant (the runner reads it from the dispatch).
      const lastApproval = ofStep.at(-1)?.status === 'gated' ? await tx.findOne(ApprovalEntity, { where: { runId, stepId: step.id }, order: { createdAt: 'DESC' } }) : null;
      const grant = lastApproval?.status === 'approved' ? toApproval(lastApproval) : null;

      const startedAt = new Date();
      let outcome: StepOutcome;
      let input: JsonValue | null = null;
      let effectKey: string | null = null;
      let trace: Omit<ModelReply, 'output'> & { provider: string | null; confidence?: number | null } = { provider: step.kind === 'rules' ? 'rules' : null, latencyMs: 1 };
      const plan = planStep({ definition, run, step, outputs, grant });
      if (plan.type === 'done') {
        outcome = plan.outcome;
        input = step.kind === 'rules' ? { field: step.field } : step.kind === 'validate' || step.kind === 'route' ? { source: step.source ?? null } : null;
      } else if (plan.type === 'call_agent') {
        const reply = options.model(plan.step, plan.scope);
        input = plan.scope as unknown as JsonValue;
        trace = { provider: 'openai', model: reply.model ?? plan.step.model, promptVersion: reply.promptVersion ?? 'test-prompt', tokensIn: reply.tokensIn ?? 0, tokensOut: reply.tokensOut ?? 0, costUsd: reply.costUsd ?? 0, latencyMs: reply.latencyMs ?? 1 };
        const confidence = (reply.output as { confidence?: number }).confidence ?? null;
        outcome = checkConfidence(definition, plan.step, reply.output) ?? { type: 'succeeded', output: reply.output, confidence };
        trace.confidence = confidence;
      } else {
        effectKey = `${run.id}:${step.id}:${attempt}`;
        input = plan.args;
        trace = { provider: 'webhook', latencyMs: 12 };
        outcome = { type: 'succeeded', output: { delivered: true, status: 200, response: null } };
      }

      const o = outcome;
      const output = o.type === 'succeeded' ? o.output : o.type === 'gate' ? { proposed: o.proposed } : null;
      const { payloads, summary } = redactStepTrace(
        {
          input,
          output,
          validation: o.type === 'succeeded' ? (o.validation ?? null) : o.type === 'failed' && o.details ? { reason: o.reason, ...o.details } : null,
          error: o.type === 'failed' ? { reason: o.reason, message: o.message, retryable: o.retryable } : null,
        },
        definition.privacy,
        { pathRoots: { input: step.kind === 'agent' ? AGENT_SCOPE_PATH_ROOTS : [''], output: o.type === 'gate' ? GATE_OUTPUT_PATH_ROOTS : [''] } },
      );
      const outputChanged = o.type === 'succeeded' && JSON.stringify(payloads.output) !== JSON.stringify(output);
      await tx.query(
        `INSERT INTO step_attempts (run_id, step_id, step_kind, attempt, dispatch_seq, status, input, output, provider, model, prompt_version, tokens_in, tokens_out,
                                    cost_usd, latency_ms, confidence, validation, error, effect_key, started_at, finished_at, redactions, execution_output)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, now(), $21, $22)`,
        [
          run.id, step.id, step.kind, attempt, run.dispatchSeq, attemptStatusFor(o), json(payloads.input), json(payloads.output), trace.provider, trace.model ?? null, trace.promptVersion ?? null,
          trace.tokensIn ?? null, trace.tokensOut ?? null, trace.costUsd ?? null, trace.latencyMs ?? null, trace.confidence ?? (o.type === 'succeeded' ? (o.confidence ?? null) : null),
          json(payloads.validation), json(payloads.error), effectKey, startedAt, JSON.stringify(summary), outputChanged ? JSON.stringify(output) : null,
        ],
      );
      const progress = progressRun({ run, definition, stepId: step.id, tryNo: 1, outcome: o, now: new Date(), newId: randomUUID, effectKey });
      await tx.save(RunEntity, fromRun(progress.run));
      if (progress.approval) await insertEntity(tx, ApprovalEntity, fromApproval(progress.approval));
      if (progress.exception) await insertEntity(tx, ExceptionItemEntity, fromExceptionItem(progress.exception));
      await recordEvents(tx, null, progress.events.filter(isAuditedEvent));
      return true;
    });
    if (!moved) return;
  }
  throw new Error(`run ${runId} did not stop within 50 steps`);
}

const json = (v: JsonValue | null) => (v === null ? null : JSON.stringify(v));
