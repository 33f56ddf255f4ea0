import { canonicalJson } from './canonical-json.js';
import { DomainError } from './errors.js';
import type { JsonValue } from './json-schema.js';
import type { Actor } from './roles.js';
import type { Run } from './run.js';
import type { Transition } from './workflow.js';

/** What the human actually did for a run, compared with what the AI produced. */
export interface ShadowOutcome {
  runId: string;
  workflowId: string;
  humanOutcome: JsonValue;
  aiOutcome: JsonValue | null;
  /** null while the AI has produced nothing to compare (e.g. the run is still going). */
  agreed: boolean | null;
  recordedBy: string;
  recordedAt: Date;
}

/**
 * Default agreement rule: every field the human reports must equal the AI's value for it;
 * scalars must be equal outright. (Per-workflow rules build on this in the metrics work.)
 */
export function outcomesAgree(ai: JsonValue | null, human: JsonValue): boolean | null {
  if (ai === null) return null;
  if (typeof human === 'object' && human !== null && !Array.isArray(human)) {
    if (typeof ai !== 'object' || ai === null || Array.isArray(ai)) return false;
    return Object.entries(human).every(([k, v]) => canonicalJson(ai[k] ?? null) === canonicalJson(v));
  }
  return canonicalJson(ai) === canonicalJson(human);
}

export function recordHumanOutcome(run: Run, existing: ShadowOutcome | null, humanOutcome: JsonValue, actor: Actor, now: Date): Transition<ShadowOutcome> {
  if (existing) {
    throw new DomainError('conflict', `A human outcome was already recorded for run ${run.id} at ${existing.recordedAt.toISOString()}; outcomes are recorded once.`);
  }
  if (humanOutcome === null) throw new DomainError('invalid_input', 'outcome must not be null.', { field: 'outcome' });
  const aiOutcome = run.output;
  const outcome: ShadowOutcome = {
    runId: run.id,
    workflowId: run.workflowId,
    humanOutcome,
    aiOutcome,
    agreed: outcomesAgree(aiOutcome, humanOutcome),
    recordedBy: actor.id,
    recordedAt: now,
  };
  return {
    state: outcome,
    events: [{ type: 'shadow_outcome.recorded', subjectType: 'shadow_outcome', subjectId: run.id, data: { runId: run.id, workflowId: run.workflowId, mode: run.mode, agreed: outcome.agreed } }],
  };
}
