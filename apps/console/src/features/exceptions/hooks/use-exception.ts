import { useGraphQLQuery } from '../../../lib/graphql-hooks.js';
import { EXCEPTION_QUERY } from '../api/exception.query.js';
import { QUEUE_REFRESH_MS } from './use-exception-queue.js';

/** The open item, refreshed like the queue so "claimed by …" follows other reviewers. */
export function useException(id: string | null) {
  return useGraphQLQuery(EXCEPTION_QUERY, { id: id ?? '' }, { enabled: id !== null, refetchInterval: QUEUE_REFRESH_MS });
}
