import { describe, expect, it } from 'vitest';
import { IllegalTransitionError } from './errors.js';
import { issueApiKey, keyScopeBlocker, revokeApiKey, roleWithin } from './api-key.js';
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
      role: null,
      workflowKeys: null,
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

describe('key scope', () => {
  const scoped = (role: any, principalRole: any, workflowKeys?: string[] | null) =>
    issueApiKey({ id: 'key-2', principalId: 'p-1', name: 'scoped', prefix: 'ab', principalRole, role, workflowKeys }, actors.admin, NOW);

  it('roleWithin: a role whose operations are all the principal\'s', () => {
    expect(roleWithin('viewer', 'admin')).toBe(true);
    expect(roleWithin('integrator', 'owner')).toBe(true);
    expect(roleWithin('admin', 'owner')).toBe(false);
    expect(roleWithin('integrator', 'reviewer')).toBe(false);
    expect(roleWithin('reviewer', 'integrator')).toBe(false);
  });

  it('a key may carry a lower role and a workflow list (sorted, de-duplicated, audited)', () => {
    const { state, events } = scoped('viewer', 'owner', ['refunds', 'address-change', 'refunds']);
    expect(state).toMatchObject({ role: 'viewer', workflowKeys: ['address-change', 'refunds'] });
    expect(events[0]!.data).toMatchObject({ role: 'viewer', workflowKeys: ['address-change', 'refunds'] });
  });

  it('refuses a role above the principal\'s', () => {
    expect(expectDomainError(() => scoped('admin', 'integrator'), 'invalid_input').details).toEqual({ field: 'role' });
  });

  it.each([[[]], [['Bad Key']], [['x']]])('refuses the workflow list %j', (keys) => {
    expect(expectDomainError(() => scoped(null, 'admin', keys), 'invalid_input').details).toEqual({ field: 'workflows' });
  });
});

describe('keyScopeBlocker', () => {
  const scope = ['refunds', 'address-change'];

  it('allows a call on one of its workflows', () => {
    expect(keyScopeBlocker(scope, 'startRun', { what: 'workflow', argument: 'workflowKey', workflowKey: 'refunds' })).toBeNull();
  });

  it("refuses another workflow's thing, naming the workflow it belongs to", () => {
    const refusal = keyScopeBlocker(scope, 'decideApproval', { what: 'approval', argument: 'approvalId', workflowKey: 'invoices' });
    expect(refusal?.code).toBe('forbidden');
    expect(refusal?.message).toContain('this approval belongs to invoices');
  });

  it('refuses a call that names no workflow, saying where to name one', () => {
    expect(keyScopeBlocker(scope, 'metrics', { what: 'workflow', argument: 'workflowKey', workflowKey: null })?.message).toContain('name one of them in workflowKey');
  });

  it('refuses every operation that is not limited to one workflow', () => {
    const refusal = keyScopeBlocker(scope, 'workflows');
    expect(refusal?.code).toBe('forbidden');
    expect(refusal?.details).toEqual({ operation: 'workflows', workflows: scope });
  });
});
