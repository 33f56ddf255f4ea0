import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEV_PASSWORD } from '../../seed/dev-principals.js';
import { CREATE_WORKFLOW, KEYS } from '../../test/fixtures.js';
import { countRows, expectError, startTestApi, type TestApi } from '../../test/test-api.js';

const ME = `{ me { email role } }`;
const CREATE = `mutation ($name: String!, $email: String!, $role: Role!) { createPrincipal(name: $name, email: $email, role: $role) { id name email role disabledAt } }`;
const SET_ROLE = `mutation ($p: String!, $role: Role!) { setPrincipalRole(principal: $p, role: $role) { id role } }`;
const DISABLE = `mutation ($p: String!, $reason: String!) { disablePrincipal(principal: $p, reason: $reason) { id disabledAt } }`;
const ENABLE = `mutation ($p: String!) { enablePrincipal(principal: $p) { id disabledAt } }`;
const CREATE_KEY = `mutation ($name: String!, $principal: String, $workflows: [String!]) { createApiKey(name: $name, principal: $principal, workflows: $workflows) { secret } }`;
const PRINCIPALS = `query ($all: Boolean) { principals(includeDisabled: $all) { email role disabledAt } }`;

let api: TestApi;

beforeAll(async () => {
  api = await startTestApi({ sessions: { ttlMinutes: 60, idleMinutes: 10, secureCookie: false } });
});
afterAll(() => api.close());

async function keyFor(email: string): Promise<string> {
  return (await api.ok(KEYS.admin, CREATE_KEY, { name: `key of ${email}`, principal: email })).createApiKey.secret;
}

async function signIn(email: string): Promise<string> {
  const res = await fetch(`${api.baseUrl}/auth/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: DEV_PASSWORD }) });
  expect(res.status).toBe(200);
  return /^gh_session=([^;]+)/.exec(res.headers.get('set-cookie')!)![1]!;
}

async function meWithSession(token: string) {
  const res = await fetch(api.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json', cookie: `gh_session=${token}` }, body: JSON.stringify({ query: ME }) });
  return (await res.json()) as { data: any; errors?: Array<{ extensions?: { code?: string } }> };
}

describe('createPrincipal', () => {
  it('adds a principal with a normalised email, audited as the admin; a key issued for them authenticates', async () => {
    const created = (await api.ok(KEYS.admin, CREATE, { name: '  Nia New ', email: ' Nia@Example.COM ', role: 'reviewer' })).createPrincipal;
    expect(created).toMatchObject({ name: 'Nia New', email: 'nia@example.com', role: 'reviewer', disabledAt: null });
    const [event] = await api.ds.query(`SELECT actor_role, data FROM audit_events WHERE subject_id = $1 AND action = 'principal.created'`, [created.id]);
    expect(event).toMatchObject({ actor_role: 'admin', data: { name: 'Nia New', role: 'reviewer' } });
    expect((await api.ok(KEYS.owner, PRINCIPALS)).principals.map((p: any) => p.email)).toContain('nia@example.com');
    expect((await api.ok(await keyFor('nia@example.com'), ME)).me).toEqual({ email: 'nia@example.com', role: 'reviewer' });
  });

  it('refuses a taken email in any letter case (CONFLICT) and bad input (BAD_USER_INPUT), writing nothing', async () => {
    const before = await countRows(api.ds, 'principals');
    const audits = await countRows(api.ds, 'audit_events');
    expect(expectError(await api.gql(KEYS.admin, CREATE, { name: 'Rita Again', email: 'RITA@gatehouse.dev', role: 'viewer' }), 'CONFLICT').message).toMatch(/rita@gatehouse.dev already exists/);
    expect(expectError(await api.gql(KEYS.admin, CREATE, { name: 'X', email: 'not-an-email', role: 'viewer' }), 'BAD_USER_INPUT').extensions?.details).toEqual({ field: 'email' });
    expectError(await api.gql(KEYS.admin, CREATE, { name: ' ', email: 'blank@example.com', role: 'viewer' }), 'BAD_USER_INPUT');
    expect(await countRows(api.ds, 'principals')).toBe(before);
    expect(await countRows(api.ds, 'audit_events')).toBe(audits);
  });

  it('is admin only, and not for an admin key limited to some workflows', async () => {
    for (const key of [KEYS.owner, KEYS.reviewer, KEYS.integrator, KEYS.viewer]) expectError(await api.gql(key, CREATE, { name: 'Sneaky', email: 'sneaky@example.com', role: 'admin' }), 'FORBIDDEN');
    await api.ok(KEYS.admin, CREATE_WORKFLOW, { input: { key: 'people-scope', name: 'People scope', owners: {} } });
    const scoped = (await api.ok(KEYS.admin, CREATE_KEY, { name: 'scoped admin', principal: 'ada@gatehouse.dev', workflows: ['people-scope'] })).createApiKey.secret;
    expect(expectError(await api.gql(scoped, CREATE, { name: 'Sneaky', email: 'sneaky@example.com', role: 'admin' }), 'FORBIDDEN').message).toMatch(/limited to the workflows people-scope/);
    expectError(await api.gql(scoped, DISABLE, { p: 'vera@gatehouse.dev', reason: 'x' }), 'FORBIDDEN');
    expect(await countRows(api.ds, 'principals', `email = 'sneaky@example.com'`)).toBe(0);
  });
});

describe('setPrincipalRole', () => {
  it('changes the role by email; their key acts with the new role at once; audited from → to', async () => {
    const p = (await api.ok(KEYS.admin, CREATE, { name: 'Otto Later', email: 'otto@example.com', role: 'viewer' })).createPrincipal;
    const key = await keyFor('otto@example.com');
    expect((await api.ok(key, ME)).me.role).toBe('viewer');
    expect((await api.ok(KEYS.admin, SET_ROLE, { p: 'OTTO@example.com', role: 'owner' })).setPrincipalRole).toEqual({ id: p.id, role: 'owner' });
    expect((await api.ok(key, ME)).me.role).toBe('owner');
    const [event] = await api.ds.query(`SELECT data FROM audit_events WHERE subject_id = $1 AND action = 'principal.role_changed'`, [p.id]);
    expect(event.data).toEqual({ from: 'viewer', to: 'owner' });
    expectError(await api.gql(KEYS.admin, SET_ROLE, { p: 'otto@example.com', role: 'owner' }), 'CONFLICT');
    expectError(await api.gql(KEYS.admin, SET_ROLE, { p: 'nobody@example.com', role: 'owner' }), 'NOT_FOUND');
  });

  it('an admin cannot demote themselves', async () => {
    const error = expectError(await api.gql(KEYS.admin, SET_ROLE, { p: 'ada@gatehouse.dev', role: 'owner' }), 'CONFLICT');
    expect(error.message).toMatch(/cannot demote yourself/);
    expect((await api.ok(KEYS.admin, ME)).me.role).toBe('admin');
  });
});

describe('disablePrincipal / enablePrincipal', () => {
  it('ends their sessions and stops their keys at once; enabling brings the keys back, not the sessions', async () => {
    const session = await signIn('rafael@gatehouse.dev');
    expect((await meWithSession(session)).data.me.email).toBe('rafael@gatehouse.dev');
    expect((await api.ok(KEYS.reviewer2, ME)).me.email).toBe('rafael@gatehouse.dev');

    const disabled = (await api.ok(KEYS.admin, DISABLE, { p: 'rafael@gatehouse.dev', reason: ' left the team ' })).disablePrincipal;
    expect(disabled.disabledAt).not.toBeNull();
    expectError((await api.gql(KEYS.reviewer2, ME)) as any, 'UNAUTHENTICATED');
    expect((await meWithSession(session)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(await countRows(api.ds, 'sessions', `principal_id = $1 AND revoked_at IS NULL`, [disabled.id])).toBe(0);
    const [event] = await api.ds.query(`SELECT actor_role, data FROM audit_events WHERE subject_id = $1 AND action = 'principal.disabled'`, [disabled.id]);
    expect(event).toMatchObject({ actor_role: 'admin', data: { reason: 'left the team', role: 'reviewer' } });

    // Listed only when an admin asks for disabled ones too.
    expect((await api.ok(KEYS.owner, PRINCIPALS)).principals.map((p: any) => p.email)).not.toContain('rafael@gatehouse.dev');
    const all = (await api.ok(KEYS.admin, PRINCIPALS, { all: true })).principals;
    expect(all.find((p: any) => p.email === 'rafael@gatehouse.dev').disabledAt).toBe(disabled.disabledAt);
    expectError(await api.gql(KEYS.owner, PRINCIPALS, { all: true }), 'FORBIDDEN');
    expectError(await api.gql(KEYS.admin, DISABLE, { p: disabled.id, reason: 'again' }), 'CONFLICT');

    expect((await api.ok(KEYS.admin, ENABLE, { p: disabled.id })).enablePrincipal).toEqual({ id: disabled.id, disabledAt: null });
    expect((await api.ok(KEYS.reviewer2, ME)).me.email).toBe('rafael@gatehouse.dev');
    expect((await meWithSession(session)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expectError(await api.gql(KEYS.admin, ENABLE, { p: disabled.id }), 'CONFLICT');
    expect(await countRows(api.ds, 'audit_events', `subject_id = $1 AND action = 'principal.enabled'`, [disabled.id])).toBe(1);
  });

  it('a principal disabled by another API process loses their keys here within the two-second verification lifetime', async () => {
    await api.ok(KEYS.admin, CREATE, { name: 'Elsa Elsewhere', email: 'elsa@example.com', role: 'viewer' });
    const key = await keyFor('elsa@example.com');
    expect((await api.ok(key, ME)).me.email).toBe('elsa@example.com');
    // Another process disables her: this one has just verified the key and does not hear of it.
    await api.ds.query(`UPDATE principals SET disabled_at = now() WHERE email = 'elsa@example.com'`);
    await vi.waitFor(async () => expectError(await api.gql(key, ME), 'UNAUTHENTICATED'), { timeout: 3_000, interval: 100 });
  });

  it('a reason is required; yourself is refused', async () => {
    expect(expectError(await api.gql(KEYS.admin, DISABLE, { p: 'vera@gatehouse.dev', reason: '  ' }), 'BAD_USER_INPUT').extensions?.details).toEqual({ field: 'reason' });
    expect(expectError(await api.gql(KEYS.admin, DISABLE, { p: 'ada@gatehouse.dev', reason: 'bye' }), 'CONFLICT').message).toMatch(/cannot disable yourself/);
  });

  it('two admins disabling each other at once: one wins, the last enabled admin stays', async () => {
    await api.ok(KEYS.admin, CREATE, { name: 'Bea Admin', email: 'bea@example.com', role: 'admin' });
    const bea = await keyFor('bea@example.com');
    const results = await Promise.all([
      api.gql(KEYS.admin, DISABLE, { p: 'bea@example.com', reason: 'race' }),
      api.gql(bea, DISABLE, { p: 'ada@gatehouse.dev', reason: 'race' }),
    ]);
    const failed = results.filter((r) => r.errors);
    expect(failed).toHaveLength(1);
    // The loser either lost the lock race (the last-admin rule) or was already disabled when authenticated.
    expect(['CONFLICT', 'UNAUTHENTICATED']).toContain(failed[0]!.errors![0]!.extensions?.code);
    expect(await countRows(api.ds, 'principals', `role = 'admin' AND disabled_at IS NULL`)).toBe(1);
    // Put Ada back for the other tests if Bea won.
    if (results[0]!.errors) {
      await api.ok(bea, ENABLE, { p: 'ada@gatehouse.dev' });
      await api.ok(KEYS.admin, DISABLE, { p: 'bea@example.com', reason: 'cleanup' });
    }
  });
});
