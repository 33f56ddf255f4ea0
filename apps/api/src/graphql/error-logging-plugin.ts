import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLContext } from './context.js';
import { isUnexpectedError, logUnexpectedError } from './format-error.js';

/**
 * Logs the unexpected errors of a GraphQL request with that request's logger (requestLogger,
 * which carries the request id) before formatError masks them. It replaces an AsyncLocalStorage
 * around each request: on Node 20 that switches on promise hooks for the whole process, a cost on
 * every promise of every request.
 */
export function logUnexpectedErrors(): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors, contextValue }) {
          for (const error of errors) {
            if (isUnexpectedError(error, error.extensions?.code)) logUnexpectedError(contextValue.logger, error, error.path);
          }
        },
      };
    },
  };
}
