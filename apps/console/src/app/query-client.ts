import { QueryClient } from '@tanstack/react-query';
import { GraphQLRequestError } from '../lib/graphql-client.js';

const MAX_RETRIES = 2;

/**
 * Retries only what may succeed on a second try (network, bad gateway, masked internal
 * errors); a refusal such as UNAUTHENTICATED or FORBIDDEN is shown at once.
 */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 10_000,
        refetchOnWindowFocus: false,
        retry: (failureCount, error) =>
          error instanceof GraphQLRequestError && error.retryable && failureCount < MAX_RETRIES,
      },
    },
  });
}
