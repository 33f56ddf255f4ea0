import type {
  AssigneeFilter,
  ConsoleExceptionQueueQueryVariables,
  ExceptionQueueOrder,
  ExceptionReason,
  ExceptionSlaState,
} from '../../../gql/graphql.js';

/**
 * The queue's filters as they live in the URL query string, so a reviewer can bookmark or share
 * a view: ?workflow=support-triage&reason=low_confidence&age=60&sla=overdue&assignee=me&sort=newest.
 * Unknown or malformed values are dropped rather than sent to the API.
 */
export interface QueueFilters {
  readonly workflow: string | null;
  readonly reason: ExceptionReason | null;
  /** Minimum age in minutes. */
  readonly age: number | null;
  readonly sla: ExceptionSlaState | null;
  readonly assignee: AssigneeFilter;
  readonly sort: ExceptionQueueOrder;
}

export const REASONS: readonly ExceptionReason[] = [
  'low_confidence',
  'invalid_output',
  'tool_error',
  'missing_data',
  'policy_blocked',
  'timeout',
  'model_error',
];

export const SLA_STATES: readonly { value: ExceptionSlaState; label: string }[] = [
  { value: 'overdue', label: 'Overdue' },
  { value: 'due_soon', label: 'Due within 1 h' },
  { value: 'on_track', label: 'On track' },
  { value: 'no_sla', label: 'No SLA' },
];

export const AGE_OPTIONS: readonly { minutes: number; label: string }[] = [
  { minutes: 15, label: 'Older than 15 min' },
  { minutes: 60, label: 'Older than 1 h' },
  { minutes: 240, label: 'Older than 4 h' },
  { minutes: 1440, label: 'Older than 1 day' },
];

export const ASSIGNEE_OPTIONS: readonly { value: AssigneeFilter; label: string }[] = [
  { value: 'any', label: 'Everyone' },
  { value: 'me', label: 'Mine' },
  { value: 'unassigned', label: 'Unassigned' },
];

export const SORT_OPTIONS: readonly { value: ExceptionQueueOrder; label: string }[] = [
  { value: 'oldest', label: 'Oldest first' },
  { value: 'newest', label: 'Newest first' },
  { value: 'due_soonest', label: 'Due soonest' },
];

/** How many items one page shows; the API allows at most 100. */
export const QUEUE_PAGE_SIZE = 100;

export const DEFAULT_FILTERS: QueueFilters = { workflow: null, reason: null, age: null, sla: null, assignee: 'any', sort: 'oldest' };

function oneOf<T extends string>(value: string | null, allowed: readonly T[]): T | null {
  return value !== null && (allowed as readonly string[]).includes(value) ? (value as T) : null;
}

export function filtersFromSearch(search: URLSearchParams): QueueFilters {
  const age = Number(search.get('age'));
  return {
    workflow: search.get('workflow')?.trim() || null,
    reason: oneOf(search.get('reason'), REASONS),
    age: Number.isInteger(age) && age > 0 && age <= 525_600 ? age : null,
    sla: oneOf(
      search.get('sla'),
      SLA_STATES.map((s) => s.value),
    ),
    assignee:
      oneOf(
        search.get('assignee'),
        ASSIGNEE_OPTIONS.map((a) => a.value),
      ) ?? 'any',
    sort:
      oneOf(
        search.get('sort'),
        SORT_OPTIONS.map((s) => s.value),
      ) ?? 'oldest',
  };
}

/** The query string for `filters`, leaving defaults out so a plain /exceptions stays plain. */
export function searchFromFilters(filters: QueueFilters): URLSearchParams {
  const search = new URLSearchParams();
  if (filters.workflow) search.set('workflow', filters.workflow);
  if (filters.reason) search.set('reason', filters.reason);
  if (filters.age) search.set('age', String(filters.age));
  if (filters.sla) search.set('sla', filters.sla);
  if (filters.assignee !== 'any') search.set('assignee', filters.assignee);
  if (filters.sort !== 'oldest') search.set('sort', filters.sort);
  return search;
}

export function isFiltered(filters: QueueFilters): boolean {
  return searchFromFilters({ ...filters, sort: 'oldest' }).size > 0;
}

/** The exceptionQueue variables for `filters`: only what is set, so the API applies its defaults. */
export function queueVariables(filters: QueueFilters): ConsoleExceptionQueueQueryVariables {
  return {
    first: QUEUE_PAGE_SIZE,
    orderBy: filters.sort,
    filter: {
      ...(filters.workflow ? { workflowKey: filters.workflow } : {}),
      ...(filters.reason ? { reasons: [filters.reason] } : {}),
      ...(filters.age ? { minAgeMinutes: filters.age } : {}),
      ...(filters.sla ? { slaStates: [filters.sla] } : {}),
      assignee: filters.assignee,
    },
  };
}

/** "low_confidence" → "Low confidence". */
export function reasonLabel(reason: string): string {
  const words = reason.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}
