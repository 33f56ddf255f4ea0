import type { Approval } from './approval.js';
import type { AuditEvent } from './audit-event.js';
import type { JsonValue } from './json-schema.js';
import type { Run } from './run.js';
import type { StepAttempt } from './step-attempt.js';
import { confidenceThreshold } from './step-evaluation.js';
import { findStep, type ExceptionReason, type WorkflowDefinition } from './workflow-definition.js';

export const RECORD_CHECK_KINDS = ['output_schema', 'confidence', 'boundary', 'required_data', 'execution', 'approval_gate'] as const;
export type RecordCheckKind = (typeof RECORD_CHECK_KINDS)[number];
export type RecordCheckResult = 'passed' | 'failed' | 'pending' | 'skipped';

/** One check the run went through: a schema, a confidence threshold, the boundary, a human gate. */
export interface RecordCheck {
  stepId: string;
  /** The step attempt it belongs to; null for an approval gate (see approvalId). */
  attempt: number | null;
  approvalId: string | null;
  check: RecordCheckKind;
  result: RecordCheckResult;
  detail: string;
  confidence: number | null;
  threshold: number | null;
  at: string | null;
}

const FAILED_CHECK: Record<ExceptionReason, RecordCheckKind> = {
  invalid_output: 'output_schema',
  low_confidence: 'confidence',
  policy_blocked: 'boundary',
  missing_data: 'required_data',
  tool_error: 'execution',
  timeout: 'execution',
  model_error: 'execution',
};

const asObject = (v: JsonValue | null | undefined): Record<string, JsonValue> | null => (v !== null && v !== undefined && typeof v === 'object' && !Array.isArray(v) ? v : null);

/**
 * The checks of each attempt, from what the runner stored: a failed attempt's error names the
 * check that failed; a succeeded attempt passed the checks its step kind makes (the threshold
 * comes from the definition, the confidence from the attempt, neither of which retention purges).
 * Approval gates follow, one per approval, with the decision that settled them.
 */
export function recordChecks(definition: WorkflowDefinition, attempts: readonly StepAttempt[], approvals: readonly Approval[]): RecordCheck[] {
  const checks: RecordCheck[] = [];
  for (const a of attempts) {
    const step = findStep(definition, a.stepId);
    const at = (a.finishedAt ?? a.startedAt).toISOString();
    const base = { stepId: a.stepId, attempt: a.attempt, approvalId: null, at, confidence: a.confidence, threshold: null };
    if (a.status === 'failed') {
      const error = asObject(a.error);
      const reason = typeof error?.reason === 'string' ? (error.reason as ExceptionReason) : null;
      const validation = asObject(a.validation);
      const detail = typeof error?.message === 'string' ? error.message : a.payloadPurgedAt ? 'The attempt failed; its details were purged by retention.' : 'The attempt failed.';
      checks.push({
        ...base,
        check: reason && reason in FAILED_CHECK ? FAILED_CHECK[reason] : 'execution',
        result: 'failed',
        detail,
        confidence: typeof validation?.confidence === 'number' ? validation.confidence : a.confidence,
        threshold: typeof validation?.threshold === 'number' ? validation.threshold : null,
      });
      continue;
    }
    if (a.status !== 'succeeded' || !step || a.provider === 'human') continue;
    const threshold = 'minConfidence' in step || step.kind === 'agent' || step.kind === 'validate' ? confidenceThreshold(definition, step as { minConfidence?: number }) : null;
    switch (step.kind) {
      case 'agent':
      case 'validate': {
        const index = definition.steps.findIndex((s) => s.id === step.id);
        const from = step.kind === 'validate' ? (step.source ?? (index > 0 ? definition.steps[index - 1]!.id : null)) : null;
        const source = step.kind === 'validate' ? (from ? ` of "${from}"` : ' (the run input)') : '';
        checks.push({ ...base, check: 'output_schema', result: 'passed', detail: `The output${source} matches the step's JSON Schema.` });
        if (threshold !== null) {
          checks.push({ ...base, check: 'confidence', result: 'passed', threshold, detail: `Confidence ${a.confidence ?? 'n/a'} is at or above the threshold ${threshold}.` });
        }
        break;
      }
      case 'action':
        checks.push({ ...base, check: 'boundary', result: 'passed', detail: `"${step.action}" (${step.actionClass}) is among the workflow's allowed actions.` });
        break;
      case 'approval':
        if (asObject(a.validation)?.gate === 'skipped_in_shadow') {
          checks.push({ ...base, check: 'approval_gate', result: 'skipped', detail: 'Shadow mode: the gate was recorded as passed through; no person was asked.' });
        }
        break;
      default:
        break;
    }
  }
  for (const ap of approvals) {
    const what = ap.actionName ? `"${ap.actionName}" (${ap.actionClass})` : `the output of "${ap.stepId}"`;
    const needs = `${ap.requiredApprovals} approval${ap.requiredApprovals === 1 ? '' : 's'} by a ${ap.requiredRole} or higher`;
    const result: RecordCheckResult = ap.status === 'approved' ? 'passed' : ap.status === 'rejected' ? 'failed' : ap.status === 'pending' ? 'pending' : 'skipped';
    const settled = { approved: ap.decision === 'edit_and_approve' ? 'approved with an edit' : 'approved', rejected: 'rejected', pending: 'waiting for a decision', cancelled: 'withdrawn when the run ended' }[ap.status];
    checks.push({
      stepId: ap.stepId,
      attempt: null,
      approvalId: ap.id,
      check: 'approval_gate',
      result,
      detail: `${what} needed ${needs}: ${settled}.`,
      confidence: null,
      threshold: null,
      at: (ap.decidedAt ?? ap.createdAt).toISOString(),
    });
  }
  return checks;
}

export const FINAL_ACTION_OUTCOMES = ['executed', 'would_have_executed', 'drafted', 'blocked', 'none'] as const;
export type FinalActionOutcome = (typeof FINAL_ACTION_OUTCOMES)[number];

export interface FinalActionFacts {
  outcome: FinalActionOutcome;
  stepId: string | null;
  action: string | null;
  actionClass: string | null;
  /** The Idempotency-Key the receiver got (executed only). */
  idempotencyKey: string | null;
  /** The action's arguments as recorded: the executed attempt's (stored redacted) input, or the audit event's args. */
  args: { from: 'attempt' | 'audit'; value: JsonValue | null; purgedAt: Date | null; redactedInStorage: boolean } | null;
  at: string | null;
  detail: string;
}

const ACTION_EVENTS: Record<string, FinalActionOutcome> = {
  'action.executed': 'executed',
  'action.would_have_executed': 'would_have_executed',
  'action.drafted': 'drafted',
  'action.blocked': 'blocked',
};

/**
 * What the run finally did in the world, from its audit events (they survive retention): the
 * last action event, executed with its idempotency key, recorded but not sent (shadow,
 * draft-only), or blocked by the boundary. Without one: none, and why.
 */
export function finalAction(run: Run, definition: WorkflowDefinition, attempts: readonly StepAttempt[], events: readonly AuditEvent[]): FinalActionFacts {
  const last = [...events].reverse().find((e) => e.subjectId === run.id && e.action in ACTION_EVENTS);
  if (last) {
    const data = last.data as Record<string, JsonValue>;
    const outcome = ACTION_EVENTS[last.action]!;
    const stepId = typeof data.stepId === 'string' ? data.stepId : null;
    const key = typeof data.idempotencyKey === 'string' ? data.idempotencyKey : null;
    const sent = outcome === 'executed' ? attempts.find((a) => a.stepId === stepId && a.effectKey === key && a.status === 'succeeded') : undefined;
    const args: FinalActionFacts['args'] =
      outcome === 'executed'
        ? sent
          ? { from: 'attempt', value: sent.input, purgedAt: sent.payloadPurgedAt ?? null, redactedInStorage: sent.redactions != null }
          : null
        : outcome === 'blocked'
          ? null
          : { from: 'audit', value: data.args ?? null, purgedAt: null, redactedInStorage: data.redactions != null };
    const name = typeof data.action === 'string' ? data.action : 'the action';
    const detail = {
      executed: `"${name}" was sent to its receiver with Idempotency-Key ${key ?? '(none)'}.`,
      would_have_executed: `Shadow mode: "${name}" was recorded but not sent.`,
      drafted: `"${name}" is draft-only: it was prepared, not sent by Gatehouse.`,
      blocked: `"${name}" was blocked by the workflow's boundary${typeof data.why === 'string' ? `: ${data.why}` : '.'}`,
      none: '',
    }[outcome];
    return { outcome, stepId, action: typeof data.action === 'string' ? data.action : null, actionClass: typeof data.actionClass === 'string' ? data.actionClass : null, idempotencyKey: key, args, at: last.occurredAt.toISOString(), detail };
  }
  const overridden = attempts.find((a) => a.provider === 'human' && findStep(definition, a.stepId)?.kind === 'action');
  const detail = overridden
    ? `A reviewer's override stood in for action step "${overridden.stepId}"; nothing was sent.`
    : run.status === 'completed'
      ? 'The run completed without taking an action.'
      : ['cancelled', 'failed', 'handed_off'].includes(run.status)
        ? `The run ended (${run.status.replace('_', ' ')}) before any action was taken.`
        : `No action has been taken yet (the run is ${run.status.replace('_', ' ')}).`;
  return { outcome: 'none', stepId: overridden?.stepId ?? null, action: null, actionClass: null, idempotencyKey: null, args: null, at: null, detail };
}
