import {
  actionIdempotencyKey,
  checkConfidence,
  planStep,
  type Approval,
  type ExceptionItem,
  type JsonValue,
  type Run,
  type StepDefinition,
  type StepDispatch,
  type StepOutcome,
  type WorkflowDefinition,
} from '@gatehouse/domain';
import { emptyTrace, type ExecutorOutcome, type StepTrace } from '../executors/step-result.js';
import type { PriorAttempts } from './batch-context.js';

/** The outside world a step may reach; the runner wires the real executors in. */
export interface StepIo {
  callAgent(step: Extract<StepDefinition, { kind: 'agent' }>, scope: { input: JsonValue; steps: Record<string, JsonValue> }): Promise<ExecutorOutcome>;
  sendAction(request: { step: Extract<StepDefinition, { kind: 'action' }>; args: JsonValue; runId: string; idempotencyKey: string }): Promise<ExecutorOutcome>;
}

/** One try of one step, ready to be committed with the run's next move. */
export interface Execution {
  dispatch: StepDispatch;
  run: Run;
  definition: WorkflowDefinition;
  step: StepDefinition;
  attempt: number;
  tryNo: number;
  outcome: StepOutcome;
  trace: StepTrace;
  input: JsonValue | null;
  effectKey: string | null;
  startedAt: Date;
  finishedAt: Date;
  /** W3C trace context of this execution's span: the next dispatch continues the trace from it. */
  traceparent?: string;
}

export interface ExecuteInput {
  dispatch: StepDispatch;
  run: Run;
  definition: WorkflowDefinition;
  step: StepDefinition;
  prior: PriorAttempts;
  grant: Approval | null;
  override: ExceptionItem | null;
}

export async function executeStep(io: StepIo, input: ExecuteInput): Promise<Execution> {
  const { run, definition, step, dispatch } = input;
  const attempt = (input.prior.lastAttempt.get(step.id) ?? 0) + 1;
  const startedAt = new Date();
  const base = { dispatch, run, definition, step, attempt, tryNo: dispatch.try ?? 1, startedAt };
  const finish = (outcome: StepOutcome, trace: StepTrace, stepInput: JsonValue | null, effectKey: string | null = null): Execution => ({
    ...base,
    outcome,
    trace,
    input: stepInput,
    effectKey,
    finishedAt: new Date(),
  });
  const elapsed = () => Date.now() - startedAt.getTime();

  // A reviewer's override stands in for the step's own result.
  if (input.override) {
    return finish({ type: 'succeeded', output: input.override.resolutionOutput }, emptyTrace({ latencyMs: elapsed(), provider: 'human' }), null);
  }

  const plan = planStep({ definition, run, step, outputs: input.prior.outputs, grant: input.grant });
  switch (plan.type) {
    case 'done':
      return finish(plan.outcome, emptyTrace({ latencyMs: elapsed(), provider: step.kind === 'rules' ? 'rules' : null, confidence: plan.outcome.type === 'succeeded' ? (plan.outcome.confidence ?? null) : null }), stepInputFor(step));
    case 'call_agent': {
      const result = await io.callAgent(plan.step, plan.scope);
      return finish(fromExecutor(result, () => checkConfidence(definition, plan.step, result.ok ? result.output : null)), result.trace, plan.scope as unknown as JsonValue);
    }
    case 'send_action': {
      // The domain never plans a send for these; a second wall where the request would leave.
      if (run.championRunId || run.mode === 'shadow') throw new Error(`Invariant: run ${run.id} (${run.championRunId ? 'challenger' : 'shadow'}) must never send an action`);
      const idempotencyKey = actionIdempotencyKey(dispatch, attempt, input.prior.effectKeys.get(step.id) ?? null);
      const result = await io.sendAction({ step: plan.step, args: plan.args, runId: run.id, idempotencyKey });
      return finish(fromExecutor(result, () => null), result.trace, plan.args, idempotencyKey);
    }
  }
}

function fromExecutor(result: ExecutorOutcome, afterSuccess: () => StepOutcome | null): StepOutcome {
  if (!result.ok) {
    return { type: 'failed', reason: result.reason, retryable: result.retryable, message: result.message, ...(result.details ? { details: result.details } : {}) };
  }
  return afterSuccess() ?? { type: 'succeeded', output: result.output, confidence: result.trace.confidence };
}

/** What the trace records as a pure step's input: the field or output it looked at. */
function stepInputFor(step: StepDefinition): JsonValue | null {
  switch (step.kind) {
    case 'rules':
      return { field: step.field };
    case 'validate':
    case 'route':
      return { source: step.source ?? null };
    default:
      return null;
  }
}
