import type { Challenger } from './challenger.js';
import { canonicalJson } from './canonical-json.js';
import { DomainError, IllegalTransitionError } from './errors.js';
import type { DomainEvent } from './domain-event.js';
import type { Actor } from './roles.js';
import { DEFAULT_EVALUATION_POLICY, type EvaluationPolicy } from './evaluation-policy.js';

export const ROLLOUT_STAGES = ['shadow', 'draft', 'execute'] as const;
export type RolloutStage = (typeof ROLLOUT_STAGES)[number];

export interface Outcome {
  statement: string;
  targetMetric: string;
}

export interface WorkflowOwners {
  operationalOwnerId: string | null;
  changeApproverId: string | null;
  failureReviewerId: string | null;
}

export interface Workflow {
  id: string;
  key: string;
  name: string;
  description: string;
  outcome: Outcome | null;
  owners: WorkflowOwners;
  rolloutStage: RolloutStage;
  paused: boolean;
  pausedReason: string | null;
  publishedVersionId: string | null;
  /** How shadow agreement and cost drift are judged (see evaluation-policy.ts). */
  evaluation: EvaluationPolicy;
  /** The version shadowing a share of live runs (champion / challenger, challenger.ts); absent/null when none. */
  challenger?: Challenger | null;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface Transition<T> {
  state: T;
  events: DomainEvent[];
}

const KEY_PATTERN = /^[a-z][a-z0-9-]{1,62}$/;

export interface NewWorkflowInput {
  id: string;
  key: string;
  name: string;
  description?: string;
  outcome?: Outcome | null;
  owners?: Partial<WorkflowOwners>;
}

function checkOutcome(outcome: Outcome | null | undefined): void {
  if (outcome && (!outcome.statement.trim() || !outcome.targetMetric.trim())) {
    throw new DomainError('invalid_input', 'An outcome needs both a statement and a target metric.', {
      field: 'outcome',
    });
  }
}

export function createWorkflow(input: NewWorkflowInput, actor: Actor, now: Date): Transition<Workflow> {
  if (!KEY_PATTERN.test(input.key)) {
    throw new DomainError(
      'invalid_input',
      `Workflow key "${input.key}" is invalid: use 2–63 lowercase letters, digits or hyphens, starting with a letter.`,
      { field: 'key' },
    );
  }
  if (!input.name.trim()) throw new DomainError('invalid_input', 'A workflow needs a name.', { field: 'name' });
  checkOutcome(input.outcome);
  const workflow: Workflow = {
    id: input.id,
    key: input.key,
    name: input.name.trim(),
    description: input.description?.trim() ?? '',
    outcome: input.outcome ?? null,
    owners: {
      operationalOwnerId: input.owners?.operationalOwnerId ?? null,
      changeApproverId: input.owners?.changeApproverId ?? null,
      failureReviewerId: input.owners?.failureReviewerId ?? null,
    },
    rolloutStage: 'shadow',
    paused: false,
    pausedReason: null,
    publishedVersionId: null,
    evaluation: DEFAULT_EVALUATION_POLICY,
    createdBy: actor.id,
    createdAt: now,
    updatedAt: now,
  };
  return {
    state: workflow,
    events: [{ type: 'workflow.created', subjectType: 'workflow', subjectId: workflow.id, data: { key: workflow.key, name: workflow.name, outcome: workflow.outcome, owners: workflow.owners } }],
  };
}

export interface WorkflowChanges {
  name?: string;
  description?: string;
  outcome?: Outcome | null;
  owners?: Partial<WorkflowOwners>;
}

export function updateWorkflow(workflow: Workflow, changes: WorkflowChanges, now: Date): Transition<Workflow> {
  if (changes.name !== undefined && !changes.name.trim()) {
    throw new DomainError('invalid_input', 'A workflow needs a name.', { field: 'name' });
  }
  checkOutcome(changes.outcome);
  const next: Workflow = {
    ...workflow,
    name: changes.name?.trim() ?? workflow.name,
    description: changes.description?.trim() ?? workflow.description,
    outcome: changes.outcome === undefined ? workflow.outcome : changes.outcome,
    owners: { ...workflow.owners, ...stripUndefined(changes.owners ?? {}) },
    updatedAt: now,
  };
  const changed: Record<string, { from: unknown; to: unknown }> = {};
  for (const field of ['name', 'description', 'outcome', 'owners'] as const) {
    // canonical: an outcome read back from jsonb has its keys in another order
    if (canonicalJson(workflow[field]) !== canonicalJson(next[field])) {
      changed[field] = { from: workflow[field], to: next[field] };
    }
  }
  if (Object.keys(changed).length === 0) {
    throw new DomainError('invalid_input', 'Nothing to update: every given field already has that value.');
  }
  return {
    state: next,
    events: [{ type: 'workflow.updated', subjectType: 'workflow', subjectId: workflow.id, data: { changed } }],
  };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

const STAGE_ORDER: Record<RolloutStage, number> = { shadow: 0, draft: 1, execute: 2 };

/**
 * Rollout moves one stage up at a time (shadow → draft → execute) so every promotion is a
 * separate, audited decision; demotion may jump straight back to any lower stage.
 */
export function setRolloutStage(workflow: Workflow, stage: RolloutStage, reason: string, now: Date): Transition<Workflow> {
  if (workflow.publishedVersionId === null) {
    throw new DomainError('precondition_failed', `Workflow "${workflow.key}" has no published version; publish one before changing its rollout stage.`);
  }
  if (!reason.trim()) {
    throw new DomainError('invalid_input', 'Say why the rollout stage changes (reason is required): it is the evidence trail for promotion.', { field: 'reason' });
  }
  if (workflow.rolloutStage === stage) {
    throw new IllegalTransitionError('workflow', `already in ${stage}`, `move to ${stage}`);
  }
  const from = workflow.rolloutStage;
  if (STAGE_ORDER[stage] > STAGE_ORDER[from] + 1) {
    throw new IllegalTransitionError('workflow', `in ${from}`, `promote straight to ${stage}`, `Promote one stage at a time: ${from} → ${from === 'shadow' ? 'draft' : 'execute'} first.`);
  }
  const direction = STAGE_ORDER[stage] > STAGE_ORDER[from] ? 'promoted' : 'demoted';
  return {
    state: { ...workflow, rolloutStage: stage, updatedAt: now },
    events: [{ type: `workflow.${direction}`, subjectType: 'workflow', subjectId: workflow.id, data: { from, to: stage, reason: reason.trim() } }],
  };
}

/** The kill switch: no new step starts while paused; runs continue on resume. */
export function pauseWorkflow(workflow: Workflow, reason: string, now: Date): Transition<Workflow> {
  if (workflow.paused) throw new IllegalTransitionError('workflow', 'paused', 'pause', 'It is already paused.');
  if (!reason.trim()) throw new DomainError('invalid_input', 'Say why the workflow is being paused (reason is required).', { field: 'reason' });
  return {
    state: { ...workflow, paused: true, pausedReason: reason.trim(), updatedAt: now },
    events: [{ type: 'workflow.paused', subjectType: 'workflow', subjectId: workflow.id, data: { reason: reason.trim() } }],
  };
}

export function resumeWorkflow(workflow: Workflow, reason: string, now: Date): Transition<Workflow> {
  if (!workflow.paused) throw new IllegalTransitionError('workflow', 'running (not paused)', 'resume');
  return {
    state: { ...workflow, paused: false, pausedReason: null, updatedAt: now },
    events: [{ type: 'workflow.resumed', subjectType: 'workflow', subjectId: workflow.id, data: { reason: reason.trim() || null, pausedReason: workflow.pausedReason } }],
  };
}
