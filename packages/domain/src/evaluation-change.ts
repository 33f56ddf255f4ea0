import { canonicalJson } from './canonical-json.js';
import { DomainError } from './errors.js';
import { validateEvaluationPolicy, type EvaluationPolicy } from './evaluation-policy.js';
import type { Transition, Workflow } from './workflow.js';

/**
 * Replaces a workflow's evaluation policy. It decides when a workflow may be promoted, so it
 * is governance: the event keeps the policy before and after.
 */
export function setEvaluationPolicy(workflow: Workflow, policy: EvaluationPolicy, now: Date): Transition<Workflow> {
  const next = validateEvaluationPolicy(policy);
  if (canonicalJson(next) === canonicalJson(workflow.evaluation)) {
    throw new DomainError('invalid_input', 'Nothing to change: the evaluation policy already has these values.', { field: 'policy' });
  }
  return {
    state: { ...workflow, evaluation: next, updatedAt: now },
    events: [{ type: 'workflow.evaluation_changed', subjectType: 'workflow', subjectId: workflow.id, data: { from: workflow.evaluation, to: next } }],
  };
}
