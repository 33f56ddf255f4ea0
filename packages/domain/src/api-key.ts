import { DomainError, IllegalTransitionError } from './errors.js';
import type { Actor } from './roles.js';
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
}

export function issueApiKey(input: { id: string; principalId: string; name: string; prefix: string }, actor: Actor, now: Date): Transition<ApiKey> {
  const name = input.name.trim();
  if (!name || name.length > 100) throw new DomainError('invalid_input', 'An API key needs a name of 1–100 characters saying what uses it.', { field: 'name' });
  const key: ApiKey = { id: input.id, principalId: input.principalId, name, prefix: input.prefix, createdBy: actor.id, createdAt: now, revokedAt: null, revokedBy: null, lastUsedAt: null };
  return {
    state: key,
    events: [{ type: 'api_key.created', subjectType: 'api_key', subjectId: key.id, data: { principalId: key.principalId, name, prefix: key.prefix } }],
  };
}

export function revokeApiKey(key: ApiKey, actor: Actor, now: Date): Transition<ApiKey> {
  if (key.revokedAt) throw new IllegalTransitionError('API key', 'revoked', 'revoke', `It was revoked at ${key.revokedAt.toISOString()}.`);
  return {
    state: { ...key, revokedAt: now, revokedBy: actor.id },
    events: [{ type: 'api_key.revoked', subjectType: 'api_key', subjectId: key.id, data: { principalId: key.principalId, prefix: key.prefix } }],
  };
}
