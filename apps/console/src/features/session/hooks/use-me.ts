import { useQuery } from '@tanstack/react-query';
import { type GraphQLRequestError, graphqlRequest } from '../../../lib/graphql-client.js';
import { ME_QUERY, type MeQueryData } from '../api/me.query.js';
import { useApiKey } from './use-api-key.js';

/** Who the chosen API key signs us in as. Disabled while signed out. */
export function useMe() {
  const { apiKey } = useApiKey();
  return useQuery<MeQueryData, GraphQLRequestError>({
    queryKey: ['me', apiKey],
    queryFn: ({ signal }) => graphqlRequest<MeQueryData>(ME_QUERY, undefined, { apiKey, signal }),
    enabled: apiKey !== null,
  });
}
