import { describe, expect, it } from 'vitest';
import { IllegalTransitionError } from './errors.js';
import { changePrincipalRole, createPrincipal, disablePrincipal, enablePrincipal, normalizeEmail, type PrincipalRecord } from './principal.js';
import { LATER, NOW, actors, expectDomainError } from './test/fixtures.js';

const person = (over: Partial<PrincipalRecord> = {}): PrincipalRecord => ({ id: 'p-1', name: 'Rita Reviewer', email: 'rita@example.com', role: 'reviewer', createdAt: NOW, disabledAt: null, ...over });
const otherAdmin = () => person({ id: 'p-admin-2', name: 'Ada Admin', email: 'ada@example.com', role: 'admin' });
const TWO_ADMINS = { enabledAdmins: 2 };
const ONE_ADMIN = { enabledAdmins: 1 };

describe('normalizeEmail', () => {
  it.each([
    ['  Rita@Example.COM ', 'rita@example.com'],
    ['a.b+tag@sub.example.org', 'a.b+tag@sub.example.org'],
  ])('%j → %j', (raw, email) => expect(normalizeEmail(raw)).toBe(email));

  it.each(['', 'rita', 'rita@', '@example.com', 'rita@example', 'ri ta@example.com', 'a@b@example.com', `${'x'.repeat(250)}@example.com`])('refuses %j', (raw) => {
    expect(normalizeEmail(raw)).toBeNull();
  });
});

describe('createPrincipal', () => {
  it('creates an enabled principal with a trimmed name and a normalised email, and audits it', () => {
    const { state, events } = createPrincipal({ id: 'p-1', name: '  Rita Reviewer ', email: ' RITA@example.com', role: 'reviewer' }, actors.admin, NOW);
    expect(state).toEqual(person());
    expect(events).toEqual([{ type: 'principal.created', subjectType: 'principal', subjectId: 'p-1', data: { name: 'Rita Reviewer', email: 'rita@example.com', role: 'reviewer' } }]);
  });

  it('says when the system (bootstrap) created it', () => {
    expect(createPrincipal({ id: 'p-1', name: 'Ada', email: 'ada@example.com', role: 'admin' }, null, NOW).events[0]!.data).toMatchObject({ by: 'system', role: 'admin' });
  });

  it('accepts a 200-character name', () => {
    expect(createPrincipal({ id: 'p', name: 'n'.repeat(200), email: 'n@example.com', role: 'viewer' }, actors.admin, NOW).state.name).toHaveLength(200);
  });

  it.each([
    [{ name: '  ' }, 'name'],
    [{ name: 'n'.repeat(201) }, 'name'],
    [{ email: 'not-an-email' }, 'email'],
    [{ role: 'superuser' }, 'role'],
  ])('refuses %j (field %s)', (over, field) => {
    const input = { id: 'p', name: 'Rita', email: 'rita@example.com', role: 'reviewer', ...over };
    expect(expectDomainError(() => createPrincipal(input, actors.admin, NOW), 'invalid_input').details).toMatchObject({ field });
  });

  it('names the roles when the role is unknown', () => {
    expect(expectDomainError(() => createPrincipal({ id: 'p', name: 'R', email: 'r@example.com', role: 'root' }, actors.admin, NOW), 'invalid_input').message).toBe(
      'Unknown role "root"; one of: admin, owner, reviewer, integrator, viewer.',
    );
  });
});

describe('changePrincipalRole', () => {
  it('changes the role and audits from → to', () => {
    const { state, events } = changePrincipalRole(person(), 'owner', actors.admin, ONE_ADMIN);
    expect(state.role).toBe('owner');
    expect(events).toEqual([{ type: 'principal.role_changed', subjectType: 'principal', subjectId: 'p-1', data: { from: 'reviewer', to: 'owner' } }]);
  });

  it('demotes an admin while another admin remains', () => {
    expect(changePrincipalRole(otherAdmin(), 'owner', actors.admin, TWO_ADMINS).state.role).toBe('owner');
  });

  it('refuses to demote the last enabled admin', () => {
    const error = expectDomainError(() => changePrincipalRole(otherAdmin(), 'viewer', actors.admin, ONE_ADMIN), 'conflict');
    expect(error.message).toMatch(/last enabled admin/);
    expect(error.details).toMatchObject({ reason: 'last_admin' });
  });

  it('refuses an admin demoting themselves, however many admins there are', () => {
    const me = person({ id: actors.admin.id, role: 'admin' });
    expect(expectDomainError(() => changePrincipalRole(me, 'owner', actors.admin, { enabledAdmins: 5 }), 'conflict').message).toMatch(/cannot demote yourself/);
  });

  it('refuses the same role, an unknown role and a disabled principal', () => {
    expectDomainError(() => changePrincipalRole(person(), 'reviewer', actors.admin, ONE_ADMIN), 'conflict');
    expectDomainError(() => changePrincipalRole(person(), 'god', actors.admin, ONE_ADMIN), 'invalid_input');
    expect(expectDomainError(() => changePrincipalRole(person({ disabledAt: NOW }), 'owner', actors.admin, ONE_ADMIN), 'illegal_transition')).toBeInstanceOf(IllegalTransitionError);
  });
});

describe('disablePrincipal / enablePrincipal', () => {
  it('disables with a reason, and enables again', () => {
    const disabled = disablePrincipal(person(), '  left the team ', actors.admin, ONE_ADMIN, LATER);
    expect(disabled.state.disabledAt).toEqual(LATER);
    expect(disabled.events).toEqual([{ type: 'principal.disabled', subjectType: 'principal', subjectId: 'p-1', data: { reason: 'left the team', role: 'reviewer' } }]);
    const enabled = enablePrincipal(disabled.state);
    expect(enabled.state.disabledAt).toBeNull();
    expect(enabled.events).toEqual([{ type: 'principal.enabled', subjectType: 'principal', subjectId: 'p-1', data: { role: 'reviewer', disabledAt: LATER.toISOString() } }]);
  });

  it('needs a reason of at most 500 characters', () => {
    expectDomainError(() => disablePrincipal(person(), ' ', actors.admin, ONE_ADMIN, NOW), 'invalid_input');
    expectDomainError(() => disablePrincipal(person(), 'x'.repeat(501), actors.admin, ONE_ADMIN, NOW), 'invalid_input');
  });

  it('refuses disabling yourself and the last enabled admin; allows another admin while one remains', () => {
    expect(expectDomainError(() => disablePrincipal(person({ id: actors.admin.id, role: 'admin' }), 'bye', actors.admin, TWO_ADMINS, NOW), 'conflict').message).toMatch(/cannot disable yourself/);
    expect(expectDomainError(() => disablePrincipal(otherAdmin(), 'bye', actors.admin, ONE_ADMIN, NOW), 'conflict').details).toMatchObject({ reason: 'last_admin' });
    expect(disablePrincipal(otherAdmin(), 'bye', actors.admin, TWO_ADMINS, NOW).state.disabledAt).toEqual(NOW);
  });

  it('refuses disabling twice and enabling an enabled principal', () => {
    const disabled = disablePrincipal(person(), 'left', actors.admin, ONE_ADMIN, NOW).state;
    expect(expectDomainError(() => disablePrincipal(disabled, 'again', actors.admin, ONE_ADMIN, LATER), 'illegal_transition').message).toBe(
      `Cannot disable a principal that is disabled. They were disabled at ${NOW.toISOString()}.`,
    );
    expect(expectDomainError(() => enablePrincipal(person()), 'illegal_transition').message).toBe('Cannot enable a principal that is enabled.');
  });
});
