import { DomainError } from './errors.js';
import type { Actor } from './roles.js';
import type { Transition, Workflow } from './workflow.js';

/** The readiness checklist: what a workflow must show before it may act on its own (execute). */
export const READINESS_CRITERIA = [
  'realVolume',
  'visibleDragOrRework',
  'understandableFailureModes',
  'approvalsDefinable',
  'outcomeMeasurable',
  'namedBusinessOwner',
] as const;
export type ReadinessCriterion = (typeof READINESS_CRITERIA)[number];

export interface ReadinessAnswer {
  met: boolean;
  /** Why the criterion is (or is not) met; required when met, so a tick is never unexplained. */
  evidence: string;
}

export type ReadinessAnswers = Record<ReadinessCriterion, ReadinessAnswer>;

export interface ReadinessAssessment {
  id: string;
  workflowId: string;
  answers: ReadinessAnswers;
  /** How many of the six criteria are met. */
  metCount: number;
  /** metCount / 6. */
  score: number;
  /** All six met. */
  ready: boolean;
  assessedBy: string;
  assessedAt: Date;
}

export function readinessScore(metCount: number): number {
  return metCount / READINESS_CRITERIA.length;
}

export function unmetCriteria(answers: ReadinessAnswers): ReadinessCriterion[] {
  return READINESS_CRITERIA.filter((c) => !answers[c].met);
}

function invalid(field: string, message: string): DomainError {
  return new DomainError('invalid_input', message, { field });
}

/** Checks a submitted checklist: exactly the six criteria, each with met and (when met) evidence. */
export function validateReadinessAnswers(input: unknown): ReadinessAnswers {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw invalid('answers', 'answers must be an object with the six readiness criteria.');
  const record = input as Record<string, unknown>;
  const unknown = Object.keys(record).find((k) => !(READINESS_CRITERIA as readonly string[]).includes(k));
  if (unknown !== undefined) throw invalid(`answers.${unknown}`, `"${unknown}" is not a readiness criterion; the criteria are ${READINESS_CRITERIA.join(', ')}.`);
  const answers = {} as ReadinessAnswers;
  for (const criterion of READINESS_CRITERIA) {
    const answer = record[criterion] as Partial<ReadinessAnswer> | null | undefined;
    if (typeof answer !== 'object' || answer === null) throw invalid(`answers.${criterion}`, `Answer the readiness criterion "${criterion}" (met and evidence).`);
    if (typeof answer.met !== 'boolean') throw invalid(`answers.${criterion}.met`, `${criterion}.met must be true or false.`);
    const evidence = typeof answer.evidence === 'string' ? answer.evidence.trim() : '';
    if (answer.met && !evidence) throw invalid(`answers.${criterion}.evidence`, `${criterion} is marked met: give the evidence for it.`);
    answers[criterion] = { met: answer.met, evidence };
  }
  return answers;
}

/** A new assessment; earlier ones stay as history and the latest is the one that counts. */
export function assessReadiness(workflow: Workflow, input: { id: string; answers: unknown }, actor: Actor, now: Date): Transition<ReadinessAssessment> {
  const answers = validateReadinessAnswers(input.answers);
  const metCount = READINESS_CRITERIA.length - unmetCriteria(answers).length;
  const assessment: ReadinessAssessment = {
    id: input.id,
    workflowId: workflow.id,
    answers,
    metCount,
    score: readinessScore(metCount),
    ready: metCount === READINESS_CRITERIA.length,
    assessedBy: actor.id,
    assessedAt: now,
  };
  return {
    state: assessment,
    events: [
      {
        type: 'workflow.readiness_assessed',
        subjectType: 'workflow',
        subjectId: workflow.id,
        data: { assessmentId: assessment.id, score: assessment.score, ready: assessment.ready, unmet: unmetCriteria(answers), answers },
      },
    ],
  };
}
