import { useGraphQLQuery } from '../../../lib/graphql-hooks.js';
import { WORKFLOWS_QUERY } from '../api/workflows.query.js';

export function useWorkflows() {
  return useGraphQLQuery(WORKFLOWS_QUERY, {});
}
