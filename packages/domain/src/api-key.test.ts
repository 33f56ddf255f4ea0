import { describe, expect, it } from 'vitest';
import { IllegalTransitionError } from './errors.js';
import { issueApiKey, revokeApiKey } from './api-key.js';
import { LATER, NOW, actors, expectDomainError } from './test/fixtures.js';

const issue = (name = ' CRM sync ') => issueApiKey({ id: 'key-1', principalId: 'p-crm', name, prefix: 'gh_ab12' }, actors.admin, NOW);

describe('issueApiKey', () => {
  it('issues an active key with a trimmed name; no secret is part of the state', () => {
    const { state, events } = issue();
    expect(state).toEqual({
      id: 'key-1',
      principalId: 'p-crm',
      name: 'CRM sync',
      prefix: 'gh_ab12',
      createdBy: actors.admin.id,
      createdAt: NOW,
      revokedAt: null,
      revokedBy: null,
      lastUsedAt: null,
    });
    expect(events).toEqual([{ type: 'api_key.created', subjectType: 'api_key', subjectId: 'key-1', data: { principalId: 'p-crm', name: 'CRM sync', prefix: 'gh_ab12' } }]);
  });

  it('accepts a 100-character name', () => {
    expect(issue('n'.repeat(100)).state.name).toHaveLength(100);
  });

  it.each(['', '   ', 'n'.repeat(101)])('refuses the name %j', (name) => {
    expect(expectDomainError(() => issue(name), 'invalid_input').details).toEqual({ field: 'name' });
  });
});

describe('revokeApiKey', () => {
  it('revokes an active key', () => {
    const { state, events } = revokeApiKey(issue().state, actors.admin, LATER);
    expect(state).toMatchObject({ revokedAt: LATER, revokedBy: actors.admin.id });
    expect(events).toEqual([{ type: 'api_key.revoked', subjectType: 'api_key', subjectId: 'key-1', data: { principalId: 'p-crm', prefix: 'gh_ab12' } }]);
  });

  it('refuses to revoke twice, saying when it was revoked', () => {
    const revoked = revokeApiKey(issue().state, actors.admin, NOW).state;
    const error = expectDomainError(() => revokeApiKey(revoked, actors.admin, LATER), 'illegal_transition');
    expect(error).toBeInstanceOf(IllegalTransitionError);
    expect(error.message).toBe(`Cannot revoke an API key that is revoked. It was revoked at ${NOW.toISOString()}.`);
  });
});
