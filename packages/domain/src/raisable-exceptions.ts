import { confidenceThreshold } from './step-evaluation.js';
import { EXCEPTION_REASONS, type ExceptionReason, type StepDefinition, type WorkflowDefinition } from './workflow-definition.js';

/**
 * The exception reasons a run of this definition can end up in the queue (or a hand-off)
 * with, derived from what the runner really does per step kind (step-evaluation.ts, the
 * runner's agent and webhook executors). In EXCEPTION_REASONS order, without duplicates.
 *
 * Every definition can raise invalid_output: a completed run whose result was wrong is
 * re-opened as an invalid_output exception on its last step (run-reopen.ts).
 */
export function raisableExceptionReasons(definition: WorkflowDefinition): ExceptionReason[] {
  const raised = new Set<ExceptionReason>(['invalid_output']);
  definition.steps.forEach((step, at) => {
    for (const reason of stepReasons(definition, step, at)) raised.add(reason);
  });
  return EXCEPTION_REASONS.filter((r) => raised.has(r));
}

/** Per step: why each reason can (or cannot) come out of it. */
export function stepReasons(definition: WorkflowDefinition, step: StepDefinition, at: number): ExceptionReason[] {
  const lowConfidence = (s: { minConfidence?: number }): ExceptionReason[] => (confidenceThreshold(definition, s) === null ? [] : ['low_confidence']);
  // A step that reads another step's output finds none when a route skipped that step.
  const readsAStep = (source: string | undefined) => source !== undefined || at > 0;
  switch (step.kind) {
    case 'rules':
      // Absent or empty input field, or a template placeholder without data. The classifier's
      // confidence is recorded, not checked: a validate step after it applies a threshold.
      return ['missing_data'];
    case 'agent':
      // Prompt placeholders without data; provider unreachable, refusing or answering 4xx/5xx;
      // a reply that is not JSON or not the output schema; the call's deadline; the threshold.
      return ['missing_data', 'model_error', 'invalid_output', 'timeout', ...lowConfidence(step)];
    case 'validate':
      return [...(readsAStep(step.source) ? (['missing_data'] as const) : []), 'invalid_output', ...lowConfidence(step)];
    case 'action': {
      const boundary = definition.boundary;
      const allowed = boundary?.allowedActions.find((a) => a.name === step.action);
      const blocked = !allowed || boundary?.neverActions.includes(step.action) === true;
      return [
        ...(blocked ? (['policy_blocked'] as const) : []),
        ...(readsAStep(step.argsFrom) ? (['missing_data'] as const) : []),
        // Only an action that may execute is ever sent to its webhook (draft_only never is).
        ...(allowed?.mode === 'may_execute' && !blocked ? (['tool_error', 'timeout'] as const) : []),
      ];
    }
    case 'approval':
      // A gate: a rejection cancels the run, it never raises an exception.
      return [];
    case 'route':
      return ['missing_data', ...(step.defaultGoto === undefined ? (['invalid_output'] as const) : [])];
  }
}
