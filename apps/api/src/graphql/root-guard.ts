import { defaultFieldResolver, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import { enforceKeyWorkflowScope } from '../identity/key-scope.js';
import { authorizeOperation } from './authorize.js';
import type { GraphQLContext } from './context.js';
import { refuseUnusableArguments } from './input-guard.js';

/**
 * Puts the checks every operation passes in front of each root query and mutation: the role gate
 * (authorizeOperation), an API key's workflow scope (enforceKeyWorkflowScope), then arguments
 * the database or the process cannot handle (refuseUnusableArguments), in that order.
 *
 * Only root fields are wrapped. As type-graphql global middlewares these ran (as a chain of
 * async calls) on every field of every result, and a list of runs has thousands: that was a
 * large share of each request's CPU and garbage while nested fields have nothing to check.
 */
export function guardRootFields(schema: GraphQLSchema): GraphQLSchema {
  for (const type of [schema.getQueryType(), schema.getMutationType()]) {
    for (const field of Object.values(type?.getFields() ?? {})) {
      const resolve: GraphQLFieldResolver<unknown, GraphQLContext> = field.resolve ?? defaultFieldResolver;
      field.resolve = (source, args: Record<string, unknown>, context: GraphQLContext, info) => {
        authorizeOperation(context, info.fieldName);
        const scoped = enforceKeyWorkflowScope(context, info.fieldName, args);
        if (scoped) {
          return scoped.then(() => {
            refuseUnusableArguments(args);
            return resolve(source, args, context, info);
          });
        }
        refuseUnusableArguments(args);
        return resolve(source, args, context, info);
      };
    }
  }
  return schema;
}
