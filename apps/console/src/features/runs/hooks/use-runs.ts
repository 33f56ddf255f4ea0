import { keepPreviousData } from '@tanstack/react-query';
import { useGraphQLQuery } from '../../../lib/graphql-hooks.js';
import { RUNS_QUERY } from '../api/runs.query.js';
import { type RunSearch, runSearchVariables } from '../lib/run-search.js';

/** One page of runs for a search; the previous page stays on screen while the next loads. */
export function useRuns(search: RunSearch, after: string | null) {
  return useGraphQLQuery(RUNS_QUERY, runSearchVariables(search, after), { placeholderData: keepPreviousData });
}
