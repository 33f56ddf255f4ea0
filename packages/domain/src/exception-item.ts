import { DomainError, IllegalTransitionError, assertNever } from './errors.js';
import { formatIssues, validateAgainstSchema, type JsonSchema, type JsonValue } from './json-schema.js';
import type { Actor } from './roles.js';
import type { RunCommand } from './run.js';
import type { ExceptionReason } from './workflow-definition.js';
import type { Transition } from './workflow.js';

export const EXCEPTION_STATUSES = ['open', 'claimed', 'resolved'] as const;
export type ExceptionStatus = (typeof EXCEPTION_STATUSES)[number];
export const EXCEPTION_RESOLUTIONS = ['retry', 'override_output', 'hand_off', 'cancel'] as const;
export type ExceptionResolution = (typeof EXCEPTION_RESOLUTIONS)[number];

export interface ExceptionItem {
  id: string;
  runId: string;
  workflowId: string;
  stepId: string;
  reason: ExceptionReason;
  status: ExceptionStatus;
  details: Record<string, JsonValue>;
  assigneeId: string | null;
  claimedAt: Date | null;
  dueAt: Date | null;
  resolution: ExceptionResolution | null;
  resolutionNote: string | null;
  resolutionOutput: JsonValue | null;
  handOffTo: string | null;
  resolvedBy: string | null;
  resolvedAt: Date | null;
  createdAt: Date;
  /** When retention cleared this record's payload; absent/null while kept. */
  payloadPurgedAt?: Date | null;
}

export interface OpenExceptionInput {
  id: string;
  runId: string;
  workflowId: string;
  stepId: string;
  reason: ExceptionReason;
  details?: Record<string, JsonValue>;
  slaMinutes?: number;
}

export function openException(input: OpenExceptionInput, now: Date): Transition<ExceptionItem> {
  const item: ExceptionItem = {
    id: input.id,
    runId: input.runId,
    workflowId: input.workflowId,
    stepId: input.stepId,
    reason: input.reason,
    status: 'open',
    details: input.details ?? {},
    assigneeId: null,
    claimedAt: null,
    dueAt: input.slaMinutes ? new Date(now.getTime() + input.slaMinutes * 60_000) : null,
    resolution: null,
    resolutionNote: null,
    resolutionOutput: null,
    handOffTo: null,
    resolvedBy: null,
    resolvedAt: null,
    createdAt: now,
  };
  return {
    state: item,
    events: [{ type: 'exception.created', subjectType: 'exception', subjectId: item.id, data: { runId: item.runId, workflowId: item.workflowId, stepId: item.stepId, reason: item.reason } }],
  };
}

function heldByOther(item: ExceptionItem): never {
  throw new DomainError('claimed_by_other', `Exception ${item.id} is claimed by someone else; ask them to release it or pick another item.`, { assigneeId: item.assigneeId });
}

/**
 * Claiming gives one reviewer the item. Claiming an item you already hold is a no-op (a
 * double-click must not fail); an item someone else holds is a conflict, never a takeover.
 */
export function claimException(item: ExceptionItem, actor: Actor, now: Date): Transition<ExceptionItem> {
  switch (item.status) {
    case 'resolved':
      throw new IllegalTransitionError('exception', 'resolved', 'claim');
    case 'claimed':
      if (item.assigneeId === actor.id) return { state: item, events: [] };
      return heldByOther(item);
    case 'open':
      return {
        state: { ...item, status: 'claimed', assigneeId: actor.id, claimedAt: now },
        events: [{ type: 'exception.claimed', subjectType: 'exception', subjectId: item.id, data: { runId: item.runId } }],
      };
    default:
      return assertNever(item.status, 'exception status');
  }
}

/** The holder (or an admin, to unstick an absent reviewer's item) returns it to the queue. */
export function releaseException(item: ExceptionItem, actor: Actor): Transition<ExceptionItem> {
  if (item.status !== 'claimed') throw new IllegalTransitionError('exception', item.status, 'release');
  if (item.assigneeId !== actor.id && actor.role !== 'admin') heldByOther(item);
  return {
    state: { ...item, status: 'open', assigneeId: null, claimedAt: null },
    events: [{ type: 'exception.released', subjectType: 'exception', subjectId: item.id, data: { runId: item.runId, heldBy: item.assigneeId } }],
  };
}

export interface ResolutionInput {
  resolution: ExceptionResolution;
  note: string;
  output?: JsonValue;
  handOffTo?: string | null;
}

export interface ResolutionResult extends Transition<ExceptionItem> {
  runCommand: RunCommand;
}

/**
 * Resolving needs the item to be yours (an open item is claimed implicitly) and a note for
 * whoever reads the trail later. The run command says how the run moves on.
 */
export function resolveException(
  item: ExceptionItem,
  input: ResolutionInput,
  actor: Actor,
  now: Date,
  defaultHandOff?: string | null,
  /** The failing step's output schema, if it has one (see stepOutputSchema). */
  outputSchema?: JsonSchema | null,
): ResolutionResult {
  if (item.status === 'resolved') {
    throw new DomainError('already_decided', `Exception ${item.id} was already resolved (${item.resolution}); refresh the queue.`, { resolution: item.resolution });
  }
  if (item.status === 'claimed' && item.assigneeId !== actor.id) heldByOther(item);
  const note = input.note.trim();
  if (!note) throw new DomainError('invalid_input', 'A note is required to resolve an exception: say what you checked and why.', { field: 'note' });

  let runCommand: RunCommand;
  let output: JsonValue | null = null;
  let handOffTo: string | null = null;
  switch (input.resolution) {
    case 'retry':
      runCommand = { type: 'requeue', cause: 'exception_retry' };
      break;
    case 'override_output':
      if (input.output === undefined) throw new DomainError('invalid_input', 'override_output needs output: the corrected result of the failing step.', { field: 'output' });
      if (outputSchema) {
        const issues = validateAgainstSchema(outputSchema, input.output);
        if (issues.length > 0) {
          throw new DomainError('invalid_input', `The override does not match the output schema of step "${item.stepId}": ${formatIssues(issues)}`, { field: 'output', issues });
        }
      }
      output = input.output;
      runCommand = { type: 'requeue', cause: 'exception_override' };
      break;
    case 'hand_off':
      handOffTo = input.handOffTo?.trim() || defaultHandOff || null;
      if (!handOffTo) throw new DomainError('invalid_input', 'hand_off needs handOffTo: the manual path taking over (the definition names none by default).', { field: 'handOffTo' });
      runCommand = { type: 'hand_off', to: handOffTo };
      break;
    case 'cancel':
      runCommand = { type: 'cancel', reason: `exception_cancelled: ${note}` };
      break;
    default:
      return assertNever(input.resolution, 'resolution');
  }
  if (input.resolution !== 'override_output' && input.output !== undefined) {
    throw new DomainError('invalid_input', `output is only accepted with override_output, not ${input.resolution}.`, { field: 'output' });
  }
  const state: ExceptionItem = {
    ...item,
    status: 'resolved',
    assigneeId: item.assigneeId ?? actor.id,
    claimedAt: item.claimedAt ?? now,
    resolution: input.resolution,
    resolutionNote: note,
    resolutionOutput: output,
    handOffTo,
    resolvedBy: actor.id,
    resolvedAt: now,
  };
  return {
    state,
    events: [{ type: 'exception.resolved', subjectType: 'exception', subjectId: item.id, data: { runId: item.runId, workflowId: item.workflowId, resolution: input.resolution, note, handOffTo } }],
    runCommand,
  };
}

/**
 * When its run is cancelled elsewhere (an integrator's cancelRun), an unresolved item leaves
 * the queue as resolved-by-cancel so no reviewer works on a run that no longer exists.
 */
export function withdrawException(item: ExceptionItem, actor: Actor, now: Date, why: string): Transition<ExceptionItem> {
  if (item.status === 'resolved') throw new IllegalTransitionError('exception', 'resolved', 'withdraw');
  return {
    state: { ...item, status: 'resolved', resolution: 'cancel', resolutionNote: why, resolvedBy: actor.id, resolvedAt: now },
    events: [{ type: 'exception.withdrawn', subjectType: 'exception', subjectId: item.id, data: { runId: item.runId, workflowId: item.workflowId, why } }],
  };
}

/**
 * The exception policy names a manual path for this reason: the item is kept (it counts in the
 * exception metrics by reason) but leaves the queue at once, handed off by the policy, not a person.
 */
export function handOffByPolicy(item: ExceptionItem, to: string, now: Date): Transition<ExceptionItem> {
  if (item.status === 'resolved') throw new IllegalTransitionError('exception', 'resolved', 'hand_off');
  return {
    state: { ...item, status: 'resolved', resolution: 'hand_off', handOffTo: to, resolutionNote: 'exception policy', resolvedAt: now },
    events: [{ type: 'exception.handed_off', subjectType: 'exception', subjectId: item.id, data: { runId: item.runId, workflowId: item.workflowId, to, by: 'exception_policy' } }],
  };
}
