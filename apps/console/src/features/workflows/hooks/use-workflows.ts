import { useQuery } from '@tanstack/react-query';
import { type GraphQLRequestError, graphqlRequest } from '../../../lib/graphql-client.js';
import { useApiKey } from '../../session/hooks/use-api-key.js';
import { WORKFLOWS_QUERY, type WorkflowsQueryData } from '../api/workflows.query.js';

export function useWorkflows() {
  const { apiKey } = useApiKey();
  return useQuery<WorkflowsQueryData, GraphQLRequestError>({
    queryKey: ['workflows', apiKey],
    queryFn: ({ signal }) =>
      graphqlRequest<WorkflowsQueryData>(WORKFLOWS_QUERY, undefined, { apiKey, signal }),
    enabled: apiKey !== null,
  });
}
