import { useGraphQLQuery } from '../../../lib/graphql-hooks.js';
import { RUN_QUERY } from '../api/run.query.js';

const ACTIVE = new Set(['queued', 'running']);

/** One run with its trace; polls while the runner is still working on it. */
export function useRun(runId: string) {
  return useGraphQLQuery(
    RUN_QUERY,
    { id: runId },
    { refetchInterval: (query) => (ACTIVE.has(query.state.data?.run.status ?? '') ? 2000 : false) },
  );
}
