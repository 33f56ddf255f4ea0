import { useGraphQLQuery } from '../../../lib/graphql-hooks.js';
import { DECISION_RECORD_QUERY } from '../api/decision-record.query.js';

/**
 * The record, read once: each read is an audited export, so it is never refetched behind the
 * reader's back (window focus, staleness); reload the page for a fresh one.
 */
export function useDecisionRecord(runId: string) {
  return useGraphQLQuery(DECISION_RECORD_QUERY, { runId }, { staleTime: Infinity, gcTime: 0, refetchOnWindowFocus: false, refetchOnReconnect: false });
}
