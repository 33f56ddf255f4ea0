import { assignedWorkflowIds } from '@gatehouse/db';
import { DomainError, assertCanPerform, isOperation, isWorkflowScoped } from '@gatehouse/domain';
import type { AuthenticatedContext, GraphQLContext, Principal } from './context.js';

/**
 * The single authorization gate: every root query and mutation is checked against the
 * domain's role × operation table before its resolver runs (see guardRootFields). An operation
 * missing from the table is refused, so a new resolver cannot ship unguarded.
 */
export function authorizeOperation(context: GraphQLContext, operation: string): void {
  if (!context.principal) {
    throw new DomainError('unauthenticated', 'Send a valid API key in the x-api-key header (or Authorization: Bearer <key>).');
  }
  if (!isOperation(operation)) {
    throw new DomainError('forbidden', `Operation ${operation} has no entry in the role table and is refused.`);
  }
  assertCanPerform(context.principal, operation);
}

/** Narrowing helper for resolvers (the middleware has already authenticated the caller). */
export function principalOf(context: GraphQLContext): Principal {
  if (!context.principal) throw new DomainError('unauthenticated', 'Authentication required.');
  return context.principal;
}

export type { AuthenticatedContext };

const assignedCache = new WeakMap<GraphQLContext, Promise<ReadonlySet<string>>>();

/**
 * The workflows the caller acts on, or null when the caller's role is not workflow-scoped
 * (admins, owners: see docs/security.md "Authorization"). Read once per request, for list
 * filters and the "why can't I" fields; changes re-check in their own transaction.
 */
export function actingScope(context: GraphQLContext): Promise<ReadonlySet<string>> | null {
  const principal = principalOf(context);
  if (!isWorkflowScoped(principal.role)) return null;
  let scope = assignedCache.get(context);
  if (!scope) {
    scope = assignedWorkflowIds(context.dataSource.manager, principal.id).then((ids) => new Set(ids));
    assignedCache.set(context, scope);
  }
  return scope;
}

export type WorkflowScope = 'assigned' | 'all';

/**
 * The workflow ids a queue (exceptionQueue, approvals) lists, or null for every workflow.
 * Reviewers default to their assigned workflows and may ask for `all` (reading is not scoped,
 * acting is); other roles default to all, and `assigned` gives them their own assignments.
 */
export async function listedWorkflowIds(context: GraphQLContext, requested: WorkflowScope | null | undefined): Promise<string[] | null> {
  const principal = principalOf(context);
  const scope = requested ?? (isWorkflowScoped(principal.role) ? 'assigned' : 'all');
  if (scope === 'all') return null;
  const acting = actingScope(context);
  return acting ? [...(await acting)] : assignedWorkflowIds(context.dataSource.manager, principal.id);
}
