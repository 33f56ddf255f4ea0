import { DomainError, assertCanPerform, isOperation } from '@gatehouse/domain';
import type { MiddlewareFn } from 'type-graphql';
import type { AuthenticatedContext, GraphQLContext, Principal } from './context.js';

/**
 * The single authorization gate: every root query and mutation is checked against the
 * domain's role × operation table before its resolver runs. An operation missing from the
 * table is refused, so a new resolver cannot ship unguarded.
 */
export const authorizeOperation: MiddlewareFn<GraphQLContext> = async ({ context, info }, next) => {
  const root = info.parentType.name;
  if (root !== 'Query' && root !== 'Mutation') return next();
  const operation = info.fieldName;
  if (!context.principal) {
    throw new DomainError('unauthenticated', 'Send a valid API key in the x-api-key header (or Authorization: Bearer <key>).');
  }
  if (!isOperation(operation)) {
    throw new DomainError('forbidden', `Operation ${operation} has no entry in the role table and is refused.`);
  }
  assertCanPerform(context.principal, operation);
  return next();
};

/** Narrowing helper for resolvers (the middleware has already authenticated the caller). */
export function principalOf(context: GraphQLContext): Principal {
  if (!context.principal) throw new DomainError('unauthenticated', 'Authentication required.');
  return context.principal;
}

export type { AuthenticatedContext };
