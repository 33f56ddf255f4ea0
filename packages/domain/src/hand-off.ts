import { DomainError, IllegalTransitionError } from './errors.js';
import type { Transition } from './workflow.js';

export const HAND_OFF_STATUSES = ['pending', 'accepted', 'completed', 'failed', 'bounced'] as const;
export type HandOffStatus = (typeof HAND_OFF_STATUSES)[number];

/** What the manual path may report back (a hand-off never returns to pending). */
export const HAND_OFF_OUTCOMES = ['accepted', 'completed', 'failed', 'bounced'] as const satisfies readonly HandOffStatus[];
export type HandOffOutcome = (typeof HAND_OFF_OUTCOMES)[number];

/**
 * How long the manual path has to complete a hand-off before it counts as timed out. Workflow
 * definitions have no hand-off SLA yet, so every hand-off gets this one.
 */
export const DEFAULT_HAND_OFF_SLA_MINUTES = 24 * 60;

export const MAX_HAND_OFF_NOTE_LENGTH = 2000;

export interface HandOffRecord {
  id: string;
  runId: string;
  workflowId: string;
  exceptionId: string | null;
  target: string;
  status: HandOffStatus;
  dueAt: Date | null;
  note: string | null;
  createdAt: Date;
  closedAt: Date | null;
}

export interface CreateHandOffInput {
  id: string;
  runId: string;
  workflowId: string;
  exceptionId: string | null;
  target: string;
  slaMinutes?: number;
}

/** A run leaves Gatehouse for a manual path: the hand-off waits for that path to report back. */
export function createHandOff(input: CreateHandOffInput, now: Date): Transition<HandOffRecord> {
  const minutes = input.slaMinutes ?? DEFAULT_HAND_OFF_SLA_MINUTES;
  const handOff: HandOffRecord = {
    id: input.id,
    runId: input.runId,
    workflowId: input.workflowId,
    exceptionId: input.exceptionId,
    target: input.target,
    status: 'pending',
    dueAt: new Date(now.getTime() + minutes * 60_000),
    note: null,
    createdAt: now,
    closedAt: null,
  };
  return {
    state: handOff,
    events: [{ type: 'hand_off.created', subjectType: 'hand_off', subjectId: handOff.id, data: { runId: handOff.runId, workflowId: handOff.workflowId, exceptionId: handOff.exceptionId, target: handOff.target, dueAt: handOff.dueAt!.toISOString() } }],
  };
}

const ALLOWED_FROM: Record<HandOffOutcome, readonly HandOffStatus[]> = {
  accepted: ['pending'],
  completed: ['pending', 'accepted'],
  failed: ['pending', 'accepted'],
  bounced: ['pending', 'accepted'],
};

/**
 * The manual path reports back: accepted (working on it), or closed as completed, failed or
 * bounced (sent back as not theirs). A closed hand-off cannot be reported on again.
 */
export function recordHandOffOutcome(handOff: HandOffRecord, outcome: HandOffOutcome, note: string | null, now: Date): Transition<HandOffRecord> {
  if (!(HAND_OFF_OUTCOMES as readonly string[]).includes(outcome)) {
    throw new DomainError('invalid_input', `A hand-off outcome is one of ${HAND_OFF_OUTCOMES.join(', ')}.`, { field: 'status' });
  }
  const trimmed = note?.trim() || null;
  if (trimmed && trimmed.length > MAX_HAND_OFF_NOTE_LENGTH) {
    throw new DomainError('invalid_input', `The note is at most ${MAX_HAND_OFF_NOTE_LENGTH} characters.`, { field: 'note' });
  }
  if (!ALLOWED_FROM[outcome].includes(handOff.status)) {
    throw new IllegalTransitionError('hand-off', handOff.status, `mark ${outcome}`);
  }
  const closes = outcome !== 'accepted';
  const state: HandOffRecord = { ...handOff, status: outcome, note: trimmed ?? handOff.note, closedAt: closes ? now : null };
  return {
    state,
    events: [{ type: `hand_off.${outcome}`, subjectType: 'hand_off', subjectId: handOff.id, data: { runId: handOff.runId, workflowId: handOff.workflowId, from: handOff.status, note: trimmed } }],
  };
}

/** A failed hand-off: failed, bounced, or not completed by its due time (timed out). */
export function isHandOffFailure(handOff: Pick<HandOffRecord, 'status' | 'dueAt'>, now: Date): boolean {
  if (handOff.status === 'failed' || handOff.status === 'bounced') return true;
  return (handOff.status === 'pending' || handOff.status === 'accepted') && handOff.dueAt !== null && handOff.dueAt.getTime() < now.getTime();
}

/**
 * The hand-off an exception resolved by `hand_off` (by a reviewer or by the exception policy)
 * sends its run on; null for any other exception.
 */
export function handOffFromException(item: { id: string; runId: string; workflowId: string; resolution: string | null; handOffTo: string | null }, id: string, now: Date): Transition<HandOffRecord> | null {
  if (item.resolution !== 'hand_off' || !item.handOffTo) return null;
  return createHandOff({ id, runId: item.runId, workflowId: item.workflowId, exceptionId: item.id, target: item.handOffTo }, now);
}
