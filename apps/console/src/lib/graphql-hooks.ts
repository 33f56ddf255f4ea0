import {
  type UseMutationOptions,
  type UseQueryOptions,
  useMutation,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query';
import { useApiKey } from '../features/session/hooks/use-api-key.js';
import { type GraphQLRequestError, type TypedDocument, graphqlRequest } from './graphql-client.js';

/** The operation's name (`query ConsoleRuns(…)` → ConsoleRuns): the first part of its cache key. */
export function operationName(document: { toString(): string }): string {
  return /\b(?:query|mutation)\s+(\w+)/.exec(document.toString())?.[1] ?? 'anonymous';
}

type QueryOptions<TData> = Omit<UseQueryOptions<TData, GraphQLRequestError>, 'queryKey' | 'queryFn'>;

/**
 * A typed query as the signed-in principal. Cached under [operation name, variables, API key],
 * so switching identity never shows another principal's data; disabled while signed out.
 */
export function useGraphQLQuery<TData, TVariables>(
  document: TypedDocument<TData, TVariables>,
  variables: TVariables,
  options: QueryOptions<TData> = {},
) {
  const { apiKey, cookieSession } = useApiKey();
  return useQuery<TData, GraphQLRequestError>({
    ...options,
    // Without a key the browser's session cookie authenticates (password sign-in).
    queryKey: [operationName(document), variables, apiKey ?? (cookieSession ? 'session' : null)],
    queryFn: ({ signal }) => graphqlRequest(document, variables, { apiKey, signal }),
    enabled: (apiKey !== null || cookieSession) && (options.enabled ?? true),
  });
}

type MutationOptions<TData, TVariables> = Omit<
  UseMutationOptions<TData, GraphQLRequestError, TVariables>,
  'mutationFn'
>;

/**
 * A typed mutation as the signed-in principal. On success every cached query is marked stale
 * (a decision changes the queue, the run, the inbox and the metrics at once) and the visible
 * ones refetch.
 */
export function useGraphQLMutation<TData, TVariables>(
  document: TypedDocument<TData, TVariables>,
  options: MutationOptions<TData, TVariables> = {},
) {
  const { apiKey } = useApiKey();
  const queryClient = useQueryClient();
  return useMutation<TData, GraphQLRequestError, TVariables>({
    ...options,
    mutationFn: (variables) => graphqlRequest(document, variables, { apiKey }),
    onSuccess: async (...args) => {
      await queryClient.invalidateQueries();
      await options.onSuccess?.(...args);
    },
  });
}
