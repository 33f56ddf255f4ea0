import { canonicalJson } from './canonical-json.js';
import { DomainError, IllegalTransitionError, assertNever } from './errors.js';
import { formatIssues, validateAgainstSchema, type JsonValue } from './json-schema.js';
import type { Actor } from './roles.js';
import type { ExceptionReason } from './workflow-definition.js';
import type { WorkflowVersion } from './workflow-version.js';
import type { RolloutStage, Transition, Workflow } from './workflow.js';

export const RUN_STATUSES = [
  'queued',
  'running',
  'waiting_approval',
  'in_exception',
  'completed',
  'failed',
  'cancelled',
  'handed_off',
] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export const TERMINAL_RUN_STATUSES = ['completed', 'failed', 'cancelled', 'handed_off'] as const satisfies readonly RunStatus[];

export function isTerminalRunStatus(status: RunStatus): boolean {
  return (TERMINAL_RUN_STATUSES as readonly RunStatus[]).includes(status);
}

export type RunMode = RolloutStage;

export interface Run {
  id: string;
  workflowId: string;
  versionId: string;
  mode: RunMode;
  status: RunStatus;
  input: JsonValue;
  inputHash: string;
  idempotencyKey: string;
  externalRef: string | null;
  currentStepId: string | null;
  /**
   * Fencing token for step dispatches: every dispatch carries the value the run expects, and
   * every transition that dispatches again increments it. A redelivered or overtaken dispatch
   * carries an older value and is recognised as stale.
   */
  dispatchSeq: number;
  output: JsonValue | null;
  error: { code: string; message: string; [key: string]: JsonValue } | null;
  cancelReason: string | null;
  /** How often the run was re-opened after completing (its result was wrong: rework), and when last. */
  reopenCount: number;
  reopenedAt: Date | null;
  createdBy: string;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  updatedAt: Date;
  /**
   * Set on a challenger run: the live (champion) run whose input it shadows. A challenger run
   * always runs in shadow mode: its actions are recorded, never sent (challenger.ts).
   */
  championRunId?: string | null;
  /** When retention cleared the run's payloads (input, output, its steps' traces); absent/null while kept. */
  payloadPurgedAt?: Date | null;
}

/** Why a run goes back to the queue: each is a re-dispatch to the runner. */
export type RequeueCause = 'retry' | 'approval_granted' | 'exception_retry' | 'exception_override';

export type RunCommand =
  | { type: 'start'; stepId: string }
  | { type: 'advance'; stepId: string }
  | { type: 'request_approval'; stepId: string; approvalId: string }
  | { type: 'raise_exception'; stepId: string; reason: ExceptionReason; exceptionId: string }
  | { type: 'requeue'; cause: RequeueCause }
  | { type: 'complete'; output: JsonValue | null }
  | { type: 'fail'; error: { code: string; message: string } }
  | { type: 'cancel'; reason: string }
  | { type: 'hand_off'; to: string }
  /** A completed run whose result was wrong goes back to the exception queue (rework). */
  | { type: 'reopen'; reason: string; exceptionId: string };

/** The states each command may start from: the run state machine in one table. */
const ALLOWED_FROM: { [K in RunCommand['type']]: readonly RunStatus[] } = {
  start: ['queued'],
  advance: ['running'],
  request_approval: ['running'],
  raise_exception: ['running'],
  requeue: ['running', 'waiting_approval', 'in_exception'],
  complete: ['running'],
  fail: ['running', 'in_exception'],
  cancel: ['queued', 'running', 'waiting_approval', 'in_exception'],
  hand_off: ['in_exception', 'waiting_approval'],
  reopen: ['completed'],
};

export function canTransitionRun(status: RunStatus, command: RunCommand['type']): boolean {
  return ALLOWED_FROM[command].includes(status);
}

export function transitionRun(run: Run, command: RunCommand, now: Date): Transition<Run> {
  if (!canTransitionRun(run.status, command.type)) {
    const hint = isTerminalRunStatus(run.status) ? `Run ${run.id} has already finished.` : undefined;
    throw new IllegalTransitionError('run', run.status, command.type, hint);
  }
  const base = { ...run, updatedAt: now };
  const event = (type: string, data: Record<string, unknown>) => [{ type, subjectType: 'run' as const, subjectId: run.id, data: { workflowId: run.workflowId, ...data } }];
  switch (command.type) {
    case 'start':
      // A run picked up again after a retry or a decision resumes; only the first pick-up starts it.
      return {
        state: { ...base, status: 'running', currentStepId: command.stepId, startedAt: run.startedAt ?? now },
        events: event(run.startedAt ? 'run.resumed' : 'run.started', { stepId: command.stepId }),
      };
    case 'advance':
      return { state: { ...base, currentStepId: command.stepId, dispatchSeq: run.dispatchSeq + 1 }, events: event('run.advanced', { from: run.currentStepId, stepId: command.stepId }) };
    case 'request_approval':
      return { state: { ...base, status: 'waiting_approval', currentStepId: command.stepId }, events: event('run.waiting_approval', { stepId: command.stepId, approvalId: command.approvalId }) };
    case 'raise_exception':
      return { state: { ...base, status: 'in_exception', currentStepId: command.stepId }, events: event('run.exception_raised', { stepId: command.stepId, reason: command.reason, exceptionId: command.exceptionId }) };
    case 'requeue':
      return { state: { ...base, status: 'queued', dispatchSeq: run.dispatchSeq + 1 }, events: event('run.requeued', { cause: command.cause, stepId: run.currentStepId }) };
    case 'complete':
      return { state: { ...base, status: 'completed', output: command.output, finishedAt: now }, events: event('run.completed', {}) };
    case 'fail':
      return { state: { ...base, status: 'failed', error: command.error, finishedAt: now }, events: event('run.failed', { error: command.error }) };
    case 'cancel':
      return { state: { ...base, status: 'cancelled', cancelReason: command.reason, finishedAt: now }, events: event('run.cancelled', { reason: command.reason, from: run.status }) };
    case 'hand_off':
      return { state: { ...base, status: 'handed_off', finishedAt: now }, events: event('run.handed_off', { to: command.to }) };
    case 'reopen':
      return { state: { ...base, status: 'in_exception', finishedAt: null, reopenCount: run.reopenCount + 1, reopenedAt: now }, events: event('run.reopened', { reason: command.reason, exceptionId: command.exceptionId, stepId: run.currentStepId }) };
    default:
      return assertNever(command, 'run command');
  }
}

export interface StartRunInput {
  id: string;
  input: unknown;
  inputHash: string;
  idempotencyKey: string;
  externalRef?: string | null;
}

export const MAX_IDEMPOTENCY_KEY_LENGTH = 200;

/**
 * A new run of the workflow's published version. The mode is captured now, so promoting the
 * workflow later never changes how a run already in flight behaves. A paused workflow still
 * accepts runs (they wait in the queue; nothing is lost during an incident).
 */
export function createRun(workflow: Workflow, version: WorkflowVersion | null, request: StartRunInput, actor: Actor, now: Date): Transition<Run> {
  if (!version || workflow.publishedVersionId !== version.id || version.status !== 'published') {
    throw new DomainError('precondition_failed', `Workflow "${workflow.key}" has no published version yet; publish one before starting runs.`);
  }
  const key = request.idempotencyKey.trim();
  if (!key || key.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
    throw new DomainError('invalid_input', `idempotencyKey must be 1–${MAX_IDEMPOTENCY_KEY_LENGTH} characters.`, { field: 'idempotencyKey' });
  }
  const issues = validateAgainstSchema(version.definition.inputSchema, request.input);
  if (issues.length > 0) {
    throw new DomainError('invalid_input', `The input does not match the input schema of "${workflow.key}" v${version.version}: ${formatIssues(issues)}`, { issues });
  }
  const firstStep = version.definition.steps[0];
  if (!firstStep) throw new Error('Invariant: a published definition has at least one step');
  const run: Run = {
    id: request.id,
    workflowId: workflow.id,
    versionId: version.id,
    mode: workflow.rolloutStage,
    input: request.input as JsonValue,
    inputHash: request.inputHash,
    idempotencyKey: key,
    externalRef: request.externalRef?.trim() || null,
    createdBy: actor.id,
    ...freshProgress(firstStep.id, now),
  };
  return {
    state: run,
    events: [{ type: 'run.created', subjectType: 'run', subjectId: run.id, data: { workflowId: workflow.id, versionId: version.id, version: version.version, mode: run.mode, idempotencyKey: key, externalRef: run.externalRef, firstStepId: firstStep.id } }],
  };
}

/** The progress fields of a run that has just been queued at its first step. */
export function freshProgress(firstStepId: string, now: Date) {
  return {
    status: 'queued',
    currentStepId: firstStepId,
    dispatchSeq: 1,
    output: null,
    error: null,
    cancelReason: null,
    reopenCount: 0,
    reopenedAt: null,
    createdAt: now,
    startedAt: null,
    finishedAt: null,
    updatedAt: now,
  } as const satisfies Partial<Run>;
}

/**
 * Same idempotency key and same input → the same run; same key with a different input is
 * a conflict (the integrator reused a key by mistake and must not silently get an old run).
 */
export function resolveIdempotentStart(existing: Run, inputHash: string): Run {
  if (existing.inputHash !== inputHash) {
    throw new DomainError('idempotency_conflict', `Idempotency key "${existing.idempotencyKey}" was already used for run ${existing.id} with a different input. Use a new key for a new run.`, { runId: existing.id });
  }
  return existing;
}

/** The input as hashed for idempotency: canonical, so key order does not matter. */
export function canonicalInput(input: unknown): string {
  return canonicalJson(input);
}
