import { DomainError, IllegalTransitionError } from './errors.js';
import { operationsFor, type Actor, type Role } from './roles.js';
import type { Transition } from './workflow.js';

/** An integrator's or person's credential. Only a hash of the secret is ever stored. */
export interface ApiKey {
  id: string;
  principalId: string;
  name: string;
  prefix: string;
  createdBy: string | null;
  createdAt: Date;
  revokedAt: Date | null;
  revokedBy: string | null;
  lastUsedAt: Date | null;
  /** The role the key acts with (at most its principal's); null: the principal's role. */
  role: Role | null;
  /** The workflows (keys) the key may act on; null: every workflow. */
  workflowKeys: string[] | null;
}

/**
 * What a workflow-scoped key (`scope`: its workflow keys) may do with `operation`:
 * - `target` undefined: the operation is not limited to one workflow (lists across workflows,
 *   creating workflows, identity), so a scoped key may not call it at all;
 * - `target.workflowKey` null: the operation may name a workflow but this call names none (or
 *   names a thing whose workflow is unknown, e.g. a missing filter): refused;
 * - otherwise allowed only for one of its workflows.
 * Returns the refusal, or null when the call may proceed.
 */
export function keyScopeBlocker(
  scope: readonly string[],
  operation: string,
  target?: { what: string; argument: string; workflowKey: string | null },
): DomainError | null {
  if (!target) {
    return new DomainError('forbidden', `This API key is limited to the workflows ${scope.join(', ')}; ${operation} is not limited to one workflow, so the key may not call it.`, { operation, workflows: [...scope] });
  }
  if (target.workflowKey !== null && scope.includes(target.workflowKey)) return null;
  return new DomainError(
    'forbidden',
    `This API key is limited to the workflows ${scope.join(', ')}${target.workflowKey ? `; this ${target.what} belongs to ${target.workflowKey}` : `; name one of them in ${target.argument}`}.`,
    { operation, workflows: [...scope] },
  );
}

/**
 * Roles are not a ladder (a reviewer may decide approvals, an integrator may start runs), so
 * "at most" means: every operation the key's role may call, the principal's role may call too.
 */
export function roleWithin(keyRole: Role, principalRole: Role): boolean {
  const allowed = new Set(operationsFor(principalRole));
  return operationsFor(keyRole).every((operation) => allowed.has(operation));
}

const WORKFLOW_KEY = /^[a-z][a-z0-9-]{1,62}$/;
const MAX_SCOPED_WORKFLOWS = 100;

export interface IssueApiKeyInput {
  id: string;
  principalId: string;
  name: string;
  prefix: string;
  /** The principal's role; the key's role may not exceed it. */
  principalRole?: Role;
  role?: Role | null;
  workflowKeys?: readonly string[] | null;
}

/** `actor` null: issued by the system (the CLI's bootstrap-admin). */
export function issueApiKey(input: IssueApiKeyInput, actor: Actor | null, now: Date): Transition<ApiKey> {
  const name = input.name.trim();
  if (!name || name.length > 100) throw new DomainError('invalid_input', 'An API key needs a name of 1–100 characters saying what uses it.', { field: 'name' });
  const role = input.role ?? null;
  if (role && input.principalRole && !roleWithin(role, input.principalRole)) {
    throw new DomainError('invalid_input', `A key may not act with more than its principal's role: ${role} can call operations ${input.principalRole} cannot.`, { field: 'role' });
  }
  const workflowKeys = normalizeWorkflowKeys(input.workflowKeys);
  const key: ApiKey = { id: input.id, principalId: input.principalId, name, prefix: input.prefix, createdBy: actor?.id ?? null, createdAt: now, revokedAt: null, revokedBy: null, lastUsedAt: null, role, workflowKeys };
  const scope = { ...(role ? { role } : {}), ...(workflowKeys ? { workflowKeys } : {}) };
  return {
    state: key,
    events: [{ type: 'api_key.created', subjectType: 'api_key', subjectId: key.id, data: { principalId: key.principalId, name, prefix: key.prefix, ...scope } }],
  };
}

/** null/undefined: all workflows; otherwise a non-empty, de-duplicated list of valid workflow keys. */
function normalizeWorkflowKeys(keys: readonly string[] | null | undefined): string[] | null {
  if (keys === null || keys === undefined) return null;
  const unique = [...new Set(keys.map((k) => k.trim()))];
  if (unique.length === 0 || unique.length > MAX_SCOPED_WORKFLOWS || unique.some((k) => !WORKFLOW_KEY.test(k))) {
    throw new DomainError('invalid_input', `workflows must list 1–${MAX_SCOPED_WORKFLOWS} workflow keys (omit it for a key valid on every workflow).`, { field: 'workflows' });
  }
  return unique.sort();
}

export function revokeApiKey(key: ApiKey, actor: Actor, now: Date): Transition<ApiKey> {
  if (key.revokedAt) throw new IllegalTransitionError('API key', 'revoked', 'revoke', `It was revoked at ${key.revokedAt.toISOString()}.`);
  return {
    state: { ...key, revokedAt: now, revokedBy: actor.id },
    events: [{ type: 'api_key.revoked', subjectType: 'api_key', subjectId: key.id, data: { principalId: key.principalId, prefix: key.prefix } }],
  };
}
