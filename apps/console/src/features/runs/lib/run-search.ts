import type { RunFilter, RunStatus } from '../../../gql/graphql.js';

/** Page size of the run explorer (the API allows at most 100). */
export const RUNS_PAGE_SIZE = 25;

export const RUN_STATUS_OPTIONS: readonly RunStatus[] = [
  'queued',
  'running',
  'waiting_approval',
  'in_exception',
  'completed',
  'failed',
  'cancelled',
  'handed_off',
];

/** What the explorer's form holds; kept in the address bar so a search can be shared. */
export interface RunSearch {
  readonly ref: string;
  readonly status: RunStatus | '';
  readonly workflow: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A run id typed into the search box opens that run instead of filtering by reference. */
export function isRunId(text: string): boolean {
  return UUID.test(text.trim());
}

function isRunStatus(value: string): value is RunStatus {
  return (RUN_STATUS_OPTIONS as readonly string[]).includes(value);
}

export function searchFromParams(params: URLSearchParams): RunSearch {
  const status = params.get('status') ?? '';
  return {
    ref: params.get('ref') ?? '',
    status: isRunStatus(status) ? status : '',
    workflow: params.get('workflow') ?? '',
  };
}

export function searchToParams(search: RunSearch): URLSearchParams {
  const params = new URLSearchParams();
  if (search.ref.trim()) params.set('ref', search.ref.trim());
  if (search.status) params.set('status', search.status);
  if (search.workflow) params.set('workflow', search.workflow);
  return params;
}

/** The GraphQL variables for one page of a search; empty fields are left out of the filter. */
export function runSearchVariables(
  search: RunSearch,
  after: string | null,
): { filter: RunFilter; first: number; after: string | null } {
  const filter: RunFilter = {};
  if (search.ref.trim()) filter.externalRef = search.ref.trim();
  if (search.status) filter.statuses = [search.status];
  if (search.workflow) filter.workflowKey = search.workflow;
  return { filter, first: RUNS_PAGE_SIZE, after };
}
