import { assertComparableHumanOutcome, outcomesAgree } from './agreement.js';
import { assertLiveRun } from './challenger.js';
import { DomainError } from './errors.js';
import type { EvaluationPolicy } from './evaluation-policy.js';
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
  /** When retention cleared this record's payload; absent/null while kept. */
  payloadPurgedAt?: Date | null;
}

/** Records what the person did for a run, judged by the run's workflow's agreement rule (`policy`). */
export function recordHumanOutcome(run: Run, existing: ShadowOutcome | null, humanOutcome: JsonValue, policy: EvaluationPolicy, actor: Actor, now: Date): Transition<ShadowOutcome> {
  assertLiveRun(run, 'recording what a person did');
  if (existing) {
    throw new DomainError('conflict', `A human outcome was already recorded for run ${run.id} at ${existing.recordedAt.toISOString()}; outcomes are recorded once.`);
  }
  if (humanOutcome === null) throw new DomainError('invalid_input', 'outcome must not be null.', { field: 'outcome' });
  assertComparableHumanOutcome(humanOutcome, policy.agreement);
  const aiOutcome = run.output;
  const outcome: ShadowOutcome = {
    runId: run.id,
    workflowId: run.workflowId,
    humanOutcome,
    aiOutcome,
    agreed: outcomesAgree(aiOutcome, humanOutcome, policy.agreement),
    recordedBy: actor.id,
    recordedAt: now,
  };
  return {
    state: outcome,
    events: [{ type: 'shadow_outcome.recorded', subjectType: 'shadow_outcome', subjectId: run.id, data: { runId: run.id, workflowId: run.workflowId, mode: run.mode, agreed: outcome.agreed } }],
  };
}
