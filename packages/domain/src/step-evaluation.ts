import type { Approval } from './approval.js';
import { canonicalJson } from './canonical-json.js';
import { formatIssues, validateAgainstSchema, type JsonValue } from './json-schema.js';
import { resolvePointer } from './json-pointer.js';
import { classifyWithRules } from './rules-classifier.js';
import type { Run } from './run.js';
import type { ActionClass, ActionStep, AgentStep, ExceptionReason, RouteStep, StepDefinition, ValidateStep, WorkflowDefinition } from './workflow-definition.js';

/*
 * What executing a step means, decided without I/O. The runner asks `planStep`; most kinds are
 * answered here outright, and the two that reach the outside world (a model call, an action
 * webhook) come back as instructions whose result the runner reports as a StepOutcome.
 */

export type StepOutcome =
  | { type: 'succeeded'; output: JsonValue; confidence?: number | null; validation?: JsonValue; goto?: string }
  | { type: 'gate'; proposed: JsonValue; actionName: string | null; actionClass: ActionClass }
  | { type: 'failed'; reason: ExceptionReason; retryable: boolean; message: string; details?: Record<string, JsonValue> };

export interface StepContext {
  definition: WorkflowDefinition;
  run: Pick<Run, 'id' | 'mode' | 'input' | 'championRunId'>;
  step: StepDefinition;
  /** Output of each earlier step of this run that succeeded (its latest attempt). */
  outputs: Readonly<Record<string, JsonValue>>;
  /** The approved decision for this step whose grant caused this dispatch, if any. */
  grant: Approval | null;
}

export type StepPlan =
  | { type: 'done'; outcome: StepOutcome }
  | { type: 'call_agent'; step: AgentStep; scope: { input: JsonValue; steps: Record<string, JsonValue> } }
  | { type: 'send_action'; step: ActionStep; args: JsonValue };

const failed = (reason: ExceptionReason, message: string, details?: Record<string, JsonValue>): StepPlan => ({
  type: 'done',
  outcome: { type: 'failed', reason, retryable: false, message, ...(details ? { details } : {}) },
});

export function planStep(ctx: StepContext): StepPlan {
  const { step } = ctx;
  switch (step.kind) {
    case 'rules': {
      const result = classifyWithRules(step, ctx.run.input);
      if (!result.ok) return failed('missing_data', `Input is missing ${result.missing.join(', ')}.`, { missing: result.missing });
      return { type: 'done', outcome: { type: 'succeeded', output: result.output, confidence: result.output.confidence } };
    }
    case 'agent':
      return { type: 'call_agent', step, scope: { input: ctx.run.input, steps: { ...ctx.outputs } } };
    case 'validate':
      return { type: 'done', outcome: validateStep(ctx, step) };
    case 'action':
      return planAction(ctx, step);
    case 'approval':
      return { type: 'done', outcome: approvalGate(ctx) };
    case 'route':
      return { type: 'done', outcome: routeStep(ctx, step) };
  }
}

/** The id of the step before `stepId` in definition order, or null for the first. */
function previousStepId(definition: WorkflowDefinition, stepId: string): string | null {
  const at = definition.steps.findIndex((s) => s.id === stepId);
  return at > 0 ? definition.steps[at - 1]!.id : null;
}

/** The output a step works on: the named source step's, else the previous step's, else the run input. */
function sourceOutput(ctx: StepContext, source: string | undefined): { from: string; value: JsonValue | undefined } {
  const from = source ?? previousStepId(ctx.definition, ctx.step.id);
  return from === null ? { from: 'input', value: ctx.run.input } : { from, value: ctx.outputs[from] };
}

/** The confidence below which a result leaves the straight-through path. */
export function confidenceThreshold(definition: WorkflowDefinition, step: { minConfidence?: number }): number | null {
  return step.minConfidence ?? definition.approvalPolicy?.minConfidence ?? null;
}

function confidenceOf(value: JsonValue | undefined): number | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
  const c = value.confidence;
  return typeof c === 'number' && c >= 0 && c <= 1 ? c : null;
}

/** A low-confidence failure, or null when the result may go on. */
export function checkConfidence(definition: WorkflowDefinition, step: { id: string; minConfidence?: number }, output: JsonValue): StepOutcome | null {
  const threshold = confidenceThreshold(definition, step);
  if (threshold === null) return null;
  const confidence = confidenceOf(output);
  if (confidence !== null && confidence >= threshold) return null;
  return {
    type: 'failed',
    reason: 'low_confidence',
    retryable: false,
    message: confidence === null ? `Step "${step.id}" reported no confidence; at least ${threshold} is required.` : `Confidence ${confidence} is below the threshold ${threshold}.`,
    details: { confidence, threshold },
  };
}

function validateStep(ctx: StepContext, step: ValidateStep): StepOutcome {
  const source = sourceOutput(ctx, step.source);
  if (source.value === undefined) {
    return { type: 'failed', reason: 'missing_data', retryable: false, message: `There is no output of "${source.from}" to validate.`, details: { source: source.from } };
  }
  const issues = validateAgainstSchema(step.schema, source.value);
  if (issues.length > 0) {
    return {
      type: 'failed',
      reason: 'invalid_output',
      retryable: false,
      message: `The output of "${source.from}" does not match the schema: ${formatIssues(issues)}`,
      details: { source: source.from, issues: issues.map((i) => ({ path: i.path, message: i.message })) },
    };
  }
  const lowConfidence = checkConfidence(ctx.definition, step, source.value);
  if (lowConfidence) return lowConfidence;
  const confidence = confidenceOf(source.value);
  return { type: 'succeeded', output: source.value, confidence, validation: { valid: true, source: source.from, confidence, threshold: confidenceThreshold(ctx.definition, step) } };
}

/**
 * The boundary and the rollout mode decide an action: blocked outside the boundary, recorded
 * but not sent in shadow, gated for a human in draft (always) and in execute (for the action
 * classes the policy names), never sent when the boundary marks it draft-only.
 */
function planAction(ctx: StepContext, step: ActionStep): StepPlan {
  const boundary = ctx.definition.boundary;
  if (boundary?.neverActions.includes(step.action)) {
    return failed('policy_blocked', `"${step.action}" is on the workflow's never-do list.`, { action: step.action });
  }
  const allowed = boundary?.allowedActions.find((a) => a.name === step.action);
  if (!allowed) return failed('policy_blocked', `"${step.action}" is not among the workflow's allowed actions.`, { action: step.action });

  const source = sourceOutput(ctx, step.argsFrom);
  if (!ctx.grant && source.value === undefined) return failed('missing_data', `There is no output of "${source.from}" to take the action's arguments from.`, { source: source.from });
  const args = ctx.grant ? grantedValue(ctx.grant) : (source.value ?? null);
  const record = { action: step.action, actionClass: step.actionClass, args };
  // A challenger run is always created in shadow; its link is checked too, so no stage mix-up can send its actions.
  if (ctx.run.mode === 'shadow' || ctx.run.championRunId) return { type: 'done', outcome: { type: 'succeeded', output: { executed: false, wouldHaveExecuted: record } } };

  // The stricter of the step's and the boundary's class decides (validation keeps them equal).
  const gated = ctx.definition.approvalPolicy?.requireApprovalFor ?? [];
  const needsHuman = ctx.run.mode === 'draft' || gated.includes(step.actionClass) || gated.includes(allowed.actionClass);
  if (needsHuman && !ctx.grant) return { type: 'done', outcome: { type: 'gate', proposed: args, actionName: step.action, actionClass: step.actionClass } };
  if (allowed.mode === 'draft_only') return { type: 'done', outcome: { type: 'succeeded', output: { executed: false, draftOnly: record } } };
  return { type: 'send_action', step, args };
}

/** What a person approved: their edit when they edited (even to null), else the proposal. */
function grantedValue(grant: Approval): JsonValue {
  return grant.decision === 'edit_and_approve' ? grant.edited : grant.proposed;
}

function approvalGate(ctx: StepContext): StepOutcome {
  if (ctx.grant) return { type: 'succeeded', output: grantedValue(ctx.grant) };
  const proposed = sourceOutput(ctx, undefined).value ?? null;
  // Shadow runs never put work in front of reviewers: the gate is recorded as passed through.
  if (ctx.run.mode === 'shadow' || ctx.run.championRunId) return { type: 'succeeded', output: proposed, validation: { gate: 'skipped_in_shadow' } };
  return { type: 'gate', proposed, actionName: null, actionClass: 'draft' };
}

function routeStep(ctx: StepContext, step: RouteStep): StepOutcome {
  const source = ctx.outputs[step.source];
  if (source === undefined) return { type: 'failed', reason: 'missing_data', retryable: false, message: `There is no output of "${step.source}" to route on.`, details: { source: step.source } };
  const value = resolvePointer(source, step.field);
  const key = value === undefined ? undefined : canonicalJson(value);
  const branch = step.branches.find((b) => key !== undefined && canonicalJson(b.equals) === key);
  const goto = branch?.goto ?? step.defaultGoto;
  if (goto === undefined) {
    return { type: 'failed', reason: 'invalid_output', retryable: false, message: `No branch of "${step.id}" matches the value of ${step.field} in "${step.source}" and there is no default.`, details: { value: value ?? null } };
  }
  return { type: 'succeeded', output: { goto, value: value ?? null }, goto };
}
