import { useGraphQLQuery } from '../../../lib/graphql-hooks.js';
import { WORKFLOW_OPTIONS_QUERY } from '../api/workflow-options.query.js';

/** Workflow keys and names for filter drop-downs; they change rarely. */
export function useWorkflowOptions() {
  return useGraphQLQuery(WORKFLOW_OPTIONS_QUERY, {}, { staleTime: 60_000 });
}
