import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { KEYS } from '../../test/fixtures.js';
import { countRows, expectError, startTestApi, type TestApi } from '../../test/test-api.js';

const ME = `{ me { id name email role } }`;
const CREATE_KEY = `mutation ($name: String!, $principal: String) {
  createApiKey(name: $name, principal: $principal) { secret apiKey { id name prefix createdAt revokedAt principal { email role } } }
}`;
const REVOKE_KEY = `mutation ($id: ID!) { revokeApiKey(id: $id) { id revokedAt } }`;
const API_KEYS = `{ apiKeys { id name prefix revokedAt principal { email } } }`;

let api: TestApi;

beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

/** A raw request, to control the headers exactly. */
async function meWithHeaders(headers: Record<string, string>) {
  const res = await fetch(api.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query: ME }) });
  return { status: res.status, ...((await res.json()) as { data: any; errors?: any[] }) };
}

describe('authentication', () => {
  it.each([
    [KEYS.admin, 'ada@gatehouse.dev', 'admin'],
    [KEYS.owner, 'olive@gatehouse.dev', 'owner'],
    [KEYS.approver, 'oscar@gatehouse.dev', 'owner'],
    [KEYS.reviewer, 'rita@gatehouse.dev', 'reviewer'],
    [KEYS.reviewer2, 'rafael@gatehouse.dev', 'reviewer'],
    [KEYS.integrator, 'ivy@gatehouse.dev', 'integrator'],
    [KEYS.viewer, 'vera@gatehouse.dev', 'viewer'],
  ])('me with %s is %s (%s)', async (key, email, role) => {
    const data = await api.ok(key, ME);
    expect(data.me).toMatchObject({ email, role });
  });

  it('me.operations lists exactly what the role may call, so the console can hide the rest', async () => {
    const viewer = (await api.ok(KEYS.viewer, `{ me { operations } }`)).me.operations as string[];
    expect(viewer).toEqual(expect.arrayContaining(['me', 'exceptionQueue', 'metrics']));
    expect(viewer).not.toContain('claimException');
    expect(viewer).not.toContain('decideApproval');
    const reviewer = (await api.ok(KEYS.reviewer, `{ me { operations } }`)).me.operations as string[];
    expect(reviewer).toEqual(expect.arrayContaining(['claimException', 'resolveException', 'decideApproval']));
    expect(reviewer).not.toContain('publishWorkflowVersion');
    const integrator = (await api.ok(KEYS.integrator, `{ me { operations } }`)).me.operations as string[];
    expect(integrator).toContain('startRun');
    expect(integrator).not.toContain('exceptionQueue');
  });

  it('no key, an unknown key or a blank one is UNAUTHENTICATED', async () => {
    expect(expectError(await api.gql(null, ME), 'UNAUTHENTICATED').message).toMatch(/x-api-key/);
    expectError(await api.gql('gh_dev_nobody', ME), 'UNAUTHENTICATED');
    const blank = await meWithHeaders({ 'x-api-key': '   ' });
    expect(blank.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(blank.data).toBeNull();
  });

  it('accepts Authorization: Bearer <key>', async () => {
    const res = await meWithHeaders({ authorization: `Bearer ${KEYS.reviewer}` });
    expect(res.errors).toBeUndefined();
    expect(res.data.me).toMatchObject({ email: 'rita@gatehouse.dev', role: 'reviewer' });
    const lower = await meWithHeaders({ authorization: `bearer ${KEYS.viewer}` });
    expect(lower.data.me.role).toBe('viewer');
    const basic = await meWithHeaders({ authorization: `Basic ${Buffer.from('a:b').toString('base64')}` });
    expect(basic.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('principals', () => {
  it('lists the seeded principals to the roles that may name owners', async () => {
    const data = await api.ok(KEYS.owner, `{ principals { id name email role } }`);
    const byEmail = Object.fromEntries(data.principals.map((p: any) => [p.email, p.role]));
    expect(byEmail).toEqual({
      'ada@gatehouse.dev': 'admin',
      'olive@gatehouse.dev': 'owner',
      'oscar@gatehouse.dev': 'owner',
      'rita@gatehouse.dev': 'reviewer',
      'rafael@gatehouse.dev': 'reviewer',
      'ivy@gatehouse.dev': 'integrator',
      'vera@gatehouse.dev': 'viewer',
    });
    expectError(await api.gql(KEYS.integrator, `{ principals { id } }`), 'FORBIDDEN');
  });
});

describe('createApiKey', () => {
  it('issues a key for a principal by email that authenticates as them; the secret is shown once', async () => {
    const data = await api.ok(KEYS.admin, CREATE_KEY, { name: '  CRM sync  ', principal: 'IVY@gatehouse.dev' });
    const { secret, apiKey } = data.createApiKey;
    expect(apiKey).toMatchObject({ name: 'CRM sync', revokedAt: null, principal: { email: 'ivy@gatehouse.dev', role: 'integrator' } });
    expect(secret.startsWith(`gh_${apiKey.prefix}_`)).toBe(true);
    expect(secret.length).toBeGreaterThan(apiKey.prefix.length + 20);

    expect((await api.ok(secret, ME)).me).toMatchObject({ email: 'ivy@gatehouse.dev', role: 'integrator' });

    const listed = await api.ok(KEYS.admin, API_KEYS);
    expect(listed.apiKeys.find((k: any) => k.id === apiKey.id)).toEqual({ id: apiKey.id, name: 'CRM sync', prefix: apiKey.prefix, revokedAt: null, principal: { email: 'ivy@gatehouse.dev' } });
    expect(JSON.stringify(listed)).not.toContain(secret);
    expectError(await api.gql(KEYS.admin, `{ apiKeys { secret } }`), 'GRAPHQL_VALIDATION_FAILED');

    // Stored and audited without the secret.
    const [row] = await api.ds.query(`SELECT to_jsonb(k) AS row FROM api_keys k WHERE id = $1`, [apiKey.id]);
    expect(JSON.stringify(row.row)).not.toContain(secret);
    const [event] = await api.ds.query(`SELECT actor_role, data FROM audit_events WHERE subject_id = $1 AND action = 'api_key.created'`, [apiKey.id]);
    expect(event).toMatchObject({ actor_role: 'admin', data: { name: 'CRM sync', prefix: apiKey.prefix } });
    expect(JSON.stringify(event.data)).not.toContain(secret);
  });

  it('defaults to a key for the caller', async () => {
    const { secret } = (await api.ok(KEYS.admin, CREATE_KEY, { name: 'my laptop' })).createApiKey;
    expect((await api.ok(secret, ME)).me.email).toBe('ada@gatehouse.dev');
  });

  it('is admin only', async () => {
    const before = await countRows(api.ds, 'api_keys');
    expectError(await api.gql(KEYS.owner, CREATE_KEY, { name: 'sneaky', principal: 'ada@gatehouse.dev' }), 'FORBIDDEN');
    expectError(await api.gql(KEYS.integrator, CREATE_KEY, { name: 'sneaky' }), 'FORBIDDEN');
    expectError(await api.gql(KEYS.owner, API_KEYS), 'FORBIDDEN');
    expect(await countRows(api.ds, 'api_keys')).toBe(before);
  });

  it('refuses a blank or overlong name and an unknown principal, writing nothing', async () => {
    const keysBefore = await countRows(api.ds, 'api_keys');
    const auditBefore = await countRows(api.ds, 'audit_events');
    expect(expectError(await api.gql(KEYS.admin, CREATE_KEY, { name: '' }), 'BAD_USER_INPUT').extensions?.details).toEqual({ field: 'name' });
    expectError(await api.gql(KEYS.admin, CREATE_KEY, { name: '   ' }), 'BAD_USER_INPUT');
    expectError(await api.gql(KEYS.admin, CREATE_KEY, { name: 'x'.repeat(101) }), 'BAD_USER_INPUT');
    expect(expectError(await api.gql(KEYS.admin, CREATE_KEY, { name: 'ok', principal: 'nobody@example.com' }), 'BAD_USER_INPUT').extensions?.details).toEqual({ field: 'principal' });
    expect(await countRows(api.ds, 'api_keys')).toBe(keysBefore);
    expect(await countRows(api.ds, 'audit_events')).toBe(auditBefore);
  });
});

describe('revokeApiKey', () => {
  it('the key stops working at once; other keys do not', async () => {
    const { secret, apiKey } = (await api.ok(KEYS.admin, CREATE_KEY, { name: 'to revoke', principal: 'vera@gatehouse.dev' })).createApiKey;
    expect((await api.ok(secret, ME)).me.email).toBe('vera@gatehouse.dev');

    const data = await api.ok(KEYS.admin, REVOKE_KEY, { id: apiKey.id });
    expect(data.revokeApiKey.id).toBe(apiKey.id);
    expect(data.revokeApiKey.revokedAt).not.toBeNull();
    expectError(await api.gql(secret, ME), 'UNAUTHENTICATED');
    expect((await api.ok(KEYS.viewer, ME)).me.email).toBe('vera@gatehouse.dev');

    const listed = await api.ok(KEYS.admin, API_KEYS);
    expect(listed.apiKeys.find((k: any) => k.id === apiKey.id).revokedAt).toBe(data.revokeApiKey.revokedAt);
    expect(await countRows(api.ds, 'audit_events', `subject_id = $1 AND action = 'api_key.revoked'`, [apiKey.id])).toBe(1);
  });

  it('a key revoked by another API process stops working here within two seconds', async () => {
    const { secret, apiKey } = (await api.ok(KEYS.admin, CREATE_KEY, { name: 'elsewhere', principal: 'vera@gatehouse.dev' })).createApiKey;
    expect((await api.ok(secret, ME)).me.email).toBe('vera@gatehouse.dev');
    // Another process revokes it: this process may trust its recent verification briefly,
    // but not beyond the verification's two-second lifetime.
    await api.ds.query(`UPDATE api_keys SET revoked_at = now() WHERE id = $1`, [apiKey.id]);
    await vi.waitFor(async () => expectError(await api.gql(secret, ME), 'UNAUTHENTICATED'), { timeout: 3_000, interval: 100 });
  });

  it('revoking twice is a CONFLICT; unknown ids are NOT_FOUND; only admins may revoke', async () => {
    const { apiKey } = (await api.ok(KEYS.admin, CREATE_KEY, { name: 'twice' })).createApiKey;
    expectError(await api.gql(KEYS.owner, REVOKE_KEY, { id: apiKey.id }), 'FORBIDDEN');
    await api.ok(KEYS.admin, REVOKE_KEY, { id: apiKey.id });
    expect(expectError(await api.gql(KEYS.admin, REVOKE_KEY, { id: apiKey.id }), 'CONFLICT').extensions?.reason).toBe('illegal_transition');
    expectError(await api.gql(KEYS.admin, REVOKE_KEY, { id: '00000000-0000-4000-8000-0000000000cc' }), 'NOT_FOUND');
    expectError(await api.gql(KEYS.admin, REVOKE_KEY, { id: 'gh_dev_admin' }), 'NOT_FOUND');
    expect(await countRows(api.ds, 'audit_events', `subject_id = $1 AND action = 'api_key.revoked'`, [apiKey.id])).toBe(1);
  });
});
