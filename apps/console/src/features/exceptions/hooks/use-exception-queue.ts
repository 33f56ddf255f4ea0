import { useGraphQLQuery } from '../../../lib/graphql-hooks.js';
import { EXCEPTION_QUEUE_QUERY, EXCEPTION_WORKFLOW_OPTIONS_QUERY } from '../api/exception-queue.query.js';
import { type QueueFilters, queueVariables } from '../lib/queue-filters.js';

/** How often the queue refetches on its own: other reviewers claim and resolve all day. */
export const QUEUE_REFRESH_MS = 5000;

export function useExceptionQueue(filters: QueueFilters) {
  return useGraphQLQuery(EXCEPTION_QUEUE_QUERY, queueVariables(filters), {
    refetchInterval: QUEUE_REFRESH_MS,
    // Keep showing the previous page while a changed filter loads: no flashing empty table.
    placeholderData: (previous) => previous,
  });
}

export function useWorkflowOptions() {
  return useGraphQLQuery(EXCEPTION_WORKFLOW_OPTIONS_QUERY, {}, { staleTime: 60_000 });
}
