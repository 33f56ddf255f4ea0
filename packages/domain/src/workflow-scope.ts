import { DomainError } from './errors.js';
import type { Actor, Role } from './roles.js';
import type { Transition } from './workflow.js';

/**
 * Per-workflow scoping (issue 6, item 2): a reviewer acts only on the workflows they are
 * assigned to. Admins and owners are not scoped (they define the workflows and assign the
 * reviewers); integrators are scoped by their API key, not here; viewers never act.
 */
export function isWorkflowScoped(role: Role): boolean {
  return role === 'reviewer';
}

export interface ScopedWorkflow {
  readonly id: string;
  readonly key: string;
}

/**
 * Why `actor` may not act on `workflow`, or null if they may. `assigned` says whether the actor
 * is on the workflow's reviewer list (read in the same transaction as the change it guards).
 */
export function workflowScopeBlocker(actor: Actor, workflow: ScopedWorkflow, assigned: boolean): DomainError | null {
  if (!isWorkflowScoped(actor.role) || assigned) return null;
  return new DomainError(
    'forbidden',
    `You are not assigned to workflow "${workflow.key}"; an owner or admin can assign you (assignReviewer) before you act on it.`,
    { workflowKey: workflow.key, assigned: false },
  );
}

export function assertActsOnWorkflow(actor: Actor, workflow: ScopedWorkflow, assigned: boolean): void {
  const blocker = workflowScopeBlocker(actor, workflow, assigned);
  if (blocker) throw blocker;
}

export interface ReviewerAssignment {
  readonly workflowId: string;
  readonly principalId: string;
  readonly assignedBy: string;
  readonly assignedAt: Date;
}

export interface AssignablePrincipal {
  readonly id: string;
  readonly role: Role;
  readonly email?: string;
}

/** Only reviewers are assigned: the other roles are unscoped (or never act), so a row would mean nothing. */
export function assignReviewer(
  workflow: ScopedWorkflow,
  principal: AssignablePrincipal,
  alreadyAssigned: boolean,
  actor: Actor,
  now: Date,
): Transition<ReviewerAssignment> {
  if (principal.role !== 'reviewer') {
    throw new DomainError('invalid_input', `Only reviewers are assigned to workflows; ${principal.email ?? principal.id} is a ${principal.role} and is not scoped.`, { field: 'principal', role: principal.role });
  }
  if (alreadyAssigned) {
    throw new DomainError('conflict', `${principal.email ?? principal.id} is already assigned to workflow "${workflow.key}".`, { workflowKey: workflow.key });
  }
  return {
    state: { workflowId: workflow.id, principalId: principal.id, assignedBy: actor.id, assignedAt: now },
    events: [{ type: 'workflow.reviewer_assigned', subjectType: 'workflow', subjectId: workflow.id, data: { workflowKey: workflow.key, principalId: principal.id } }],
  };
}

export function unassignReviewer(workflow: ScopedWorkflow, principal: AssignablePrincipal, assigned: boolean): Transition<{ workflowId: string; principalId: string }> {
  if (!assigned) {
    throw new DomainError('not_found', `${principal.email ?? principal.id} is not assigned to workflow "${workflow.key}".`, { workflowKey: workflow.key });
  }
  return {
    state: { workflowId: workflow.id, principalId: principal.id },
    events: [{ type: 'workflow.reviewer_unassigned', subjectType: 'workflow', subjectId: workflow.id, data: { workflowKey: workflow.key, principalId: principal.id } }],
  };
}
