import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { KEYS, publishedWorkflow, START_RUN, startRun, VALID_INPUT, wrongSecretFor } from '../test/fixtures.js';
import { expectError, startTestApi, type TestApi } from '../test/test-api.js';
import { legacySha256 } from '@gatehouse/db';
import type { DataSource } from 'typeorm';
import { authenticateApiKey, forgetVerifiedKeys, WRONG_SECRETS_PER_PREFIX } from './authenticate.js';

const ME = `{ me { email role } }`;
const CREATE_KEY = `mutation ($name: String!, $principal: String, $role: Role, $workflows: [String!]) {
  createApiKey(name: $name, principal: $principal, role: $role, workflows: $workflows) { secret apiKey { id prefix role workflows } }
}`;
const RUN = `query ($id: ID!) { run(id: $id) { id } }`;
const CANCEL = `mutation ($id: ID!) { cancelRun(runId: $id, reason: "scope test") { id } }`;

let api: TestApi;
let runInA: string;
let runInB: string;

beforeAll(async () => {
  api = await startTestApi();
  await publishedWorkflow(api, 'scope-a');
  await publishedWorkflow(api, 'scope-b');
  runInA = await startRun(api, 'scope-a', 'a-1');
  runInB = await startRun(api, 'scope-b', 'b-1');
});
afterAll(() => api.close());

const create = async (variables: Record<string, unknown>) => (await api.ok(KEYS.admin, CREATE_KEY, { name: 'test key', ...variables })).createApiKey;

describe('stored hash', () => {
  it('stores a salted scrypt hash (not the key, not its SHA-256) and finds the key by its prefix', async () => {
    const { secret, apiKey } = await create({ principal: 'ivy@gatehouse.dev' });
    const [row] = await api.ds.query(`SELECT prefix, key_hash, hash_scheme FROM api_keys WHERE id = $1`, [apiKey.id]);
    expect(row.hash_scheme).toBe('scrypt');
    expect(row.key_hash).toMatch(/^scrypt\$14\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(row.key_hash).not.toContain(legacySha256(secret));
    expect(secret).toBe(`gh_${row.prefix}_${secret.slice(row.prefix.length + 4)}`);
    expect((await api.ok(secret, ME)).me.email).toBe('ivy@gatehouse.dev');
    // Same prefix, wrong secret: refused after the hash check.
    forgetVerifiedKeys();
    expectError(await api.gql(`gh_${row.prefix}_${'x'.repeat(32)}`, ME), 'UNAUTHENTICATED');
  });

  it('two keys never share a hash (per-key salt), and the development keys were reseeded as scrypt', async () => {
    const rows: Array<{ hash_scheme: string; key_hash: string }> = await api.ds.query(`SELECT hash_scheme, key_hash FROM api_keys`);
    expect(new Set(rows.map((r) => r.key_hash)).size).toBe(rows.length);
    const [dev] = await api.ds.query(`SELECT hash_scheme, key_hash FROM api_keys WHERE prefix = 'gh_dev_admin'`);
    expect(dev.hash_scheme).toBe('scrypt');
    // Public keys (README) at the public-secret cost: a slow hash would protect nothing there.
    expect(dev.key_hash).toMatch(/^scrypt\$10\$8\$1\$/);
    const [password] = await api.ds.query(`SELECT password_hash FROM principals WHERE email = 'ada@gatehouse.dev'`);
    expect(password.password_hash).toMatch(/^scrypt\$10\$8\$1\$/);
  });

  it('a legacy SHA-256 row (issued before scrypt) still authenticates until revoked', async () => {
    const prefix = 'abcdefabcdef';
    const secret = `gh_${prefix}_legacylegacylegacylegacy`;
    const [row] = await api.ds.query(
      `INSERT INTO api_keys (principal_id, name, prefix, key_hash, hash_scheme) SELECT id, 'legacy', $1, $2, 'sha256' FROM principals WHERE email = 'vera@gatehouse.dev' RETURNING id`,
      [prefix, legacySha256(secret)],
    );
    expect((await api.ok(secret, ME)).me.email).toBe('vera@gatehouse.dev');
    await api.ok(KEYS.admin, `mutation ($id: ID!) { revokeApiKey(id: $id) { id } }`, { id: row.id });
    expectError(await api.gql(secret, ME), 'UNAUTHENTICATED');
  });

  it('the requests of a burst that find a key unverified share one lookup; a revocation during it is not cached', async () => {
    const { secret } = await create({ principal: 'ivy@gatehouse.dev' });
    let lookups = 0;
    const counting = {
      query: (...args: Parameters<DataSource['query']>) => {
        if (/^\s*SELECT/.test(args[0])) lookups++; // not the once-a-minute last_used_at write
        return api.ds.query(...args);
      },
    } as unknown as DataSource;
    forgetVerifiedKeys();
    const burst = await Promise.all(Array.from({ length: 10 }, () => authenticateApiKey(counting, secret, { allowDevelopmentKeys: false })));
    expect(burst.map((p) => p?.email)).toEqual(Array(10).fill('ivy@gatehouse.dev'));
    expect(lookups).toBe(1);
    await authenticateApiKey(counting, secret, { allowDevelopmentKeys: false });
    expect(lookups).toBe(1); // verified: no lookup for 2 s

    forgetVerifiedKeys();
    const before = authenticateApiKey(counting, secret, { allowDevelopmentKeys: false });
    forgetVerifiedKeys(); // e.g. a revocation while that lookup runs
    await before;
    await authenticateApiKey(counting, secret, { allowDevelopmentKeys: false });
    expect(lookups).toBe(3); // the lookup that raced the revocation was not trusted for later requests
  });

  it('a verified key near the end of its trust is renewed in the background; a failed renewal keeps the trust, one that finds the key revoked ends it', async () => {
    const { secret, apiKey } = await create({ principal: 'ivy@gatehouse.dev' });
    const pending: Array<Promise<unknown>> = [];
    let lookups = 0;
    let failing = false;
    const counting = {
      query: (...args: Parameters<DataSource['query']>) => {
        if (!/^\s*SELECT/.test(args[0])) return api.ds.query(...args);
        lookups++;
        const answer = failing ? Promise.reject(new Error('database down')) : api.ds.query(...args);
        pending.push(answer.catch(() => undefined));
        return answer;
      },
    } as unknown as DataSource;
    const settled = async () => {
      await Promise.all(pending);
      await new Promise((resolve) => setImmediate(resolve)); // the renewal's own continuation
    };
    const at = async (ms: number) => (vi.setSystemTime(start + ms), (await authenticateApiKey(counting, secret, { allowDevelopmentKeys: false }))?.email ?? null);
    const start = Date.now();
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      forgetVerifiedKeys();
      expect(await at(0)).toBe('ivy@gatehouse.dev');
      expect(lookups).toBe(1);
      expect(await at(1_000)).toBe('ivy@gatehouse.dev'); // trusted: nothing asked
      expect(lookups).toBe(1);
      // The last 500 ms of the 2 s: answered at once, and renewed in the background.
      expect(await at(1_600)).toBe('ivy@gatehouse.dev');
      expect(lookups).toBe(2);
      await settled();
      expect(await at(3_000)).toBe('ivy@gatehouse.dev'); // renewed at 1,600: trusted until 3,600
      expect(lookups).toBe(2);
      // A renewal that fails proves nothing: the key stays trusted, and the next request tries again.
      failing = true;
      expect(await at(3_200)).toBe('ivy@gatehouse.dev');
      expect(lookups).toBe(3);
      await settled();
      expect(await at(3_300)).toBe('ivy@gatehouse.dev'); // the database is still down: answered from memory
      expect(lookups).toBe(4);
      await settled();
      failing = false;
      expect(await at(3_400)).toBe('ivy@gatehouse.dev');
      expect(lookups).toBe(5);
      await settled(); // renewed at 3,400: trusted until 5,400
      // Revoked by another API process (this one's forgetVerifiedKeys is not called).
      await api.ds.query(`UPDATE api_keys SET revoked_at = now() WHERE id = $1`, [apiKey.id]);
      expect(await at(5_000)).toBe('ivy@gatehouse.dev'); // still inside the 2 s bound …
      expect(lookups).toBe(6);
      await settled();
      expect(await at(5_100)).toBeNull(); // … and refused as soon as the renewal saw the revocation
      expect(lookups).toBe(7);
    } finally {
      vi.useRealTimers();
    }
  });

  it('wrong secrets for a real prefix stop costing a slow hash after a few: the prefix is refused, a key already verified keeps working', async () => {
    const used = await create({ principal: 'ivy@gatehouse.dev' });
    const unused = await create({ principal: 'ivy@gatehouse.dev' });
    expect((await api.ok(used.secret, ME)).me.email).toBe('ivy@gatehouse.dev'); // verified in this process
    for (const { secret } of [used, unused]) {
      for (let i = 0; i < WRONG_SECRETS_PER_PREFIX + 2; i++) {
        forgetVerifiedKeys();
        expectError(await api.gql(wrongSecretFor(secret, i), ME), 'UNAUTHENTICATED');
      }
    }
    forgetVerifiedKeys();
    // The key verified before the attack needs no hash and still works …
    expect((await api.ok(used.secret, ME)).me.email).toBe('ivy@gatehouse.dev');
    // … a key never verified here is refused with its prefix until the window ends (the price of the bound).
    expectError(await api.gql(unused.secret, ME), 'UNAUTHENTICATED');
  });

  it('says once when a prefix starts being refused (someone is guessing its secret)', async () => {
    const { secret, apiKey } = await create({ principal: 'ivy@gatehouse.dev' });
    const warnings: Array<{ fields: Record<string, unknown>; message: string }> = [];
    const logger = { warn: (fields: object, message: string) => void warnings.push({ fields: fields as Record<string, unknown>, message }) };
    const wrong = wrongSecretFor(secret, '', 'g');
    for (let i = 0; i < WRONG_SECRETS_PER_PREFIX + 3; i++) {
      forgetVerifiedKeys();
      expect(await authenticateApiKey(api.ds, `${wrong}${i}`, { allowDevelopmentKeys: false, logger })).toBeNull();
    }
    expect(warnings).toEqual([
      { fields: { keyPrefix: apiKey.prefix, wrongSecrets: WRONG_SECRETS_PER_PREFIX, refusedForSeconds: expect.any(Number) }, message: 'API key prefix refused after repeated wrong secrets' },
    ]);
    expect(JSON.stringify(warnings)).not.toContain(secret.slice(`gh_${apiKey.prefix}_`.length));
  });

  it('a revoked scrypt key is refused at once, even though its verification was cached', async () => {
    const { secret, apiKey } = await create({});
    await api.ok(secret, ME);
    await api.ok(KEYS.admin, `mutation ($id: ID!) { revokeApiKey(id: $id) { id } }`, { id: apiKey.id });
    expectError(await api.gql(secret, ME), 'UNAUTHENTICATED');
  });
});

describe('role-scoped keys', () => {
  it("defaults to the principal's role; a lower role narrows what the key may call", async () => {
    const plain = await create({ principal: 'olive@gatehouse.dev' });
    expect(plain.apiKey.role).toBeNull();
    expect((await api.ok(plain.secret, ME)).me.role).toBe('owner');

    const viewerKey = await create({ principal: 'olive@gatehouse.dev', role: 'viewer' });
    expect(viewerKey.apiKey.role).toBe('viewer');
    expect((await api.ok(viewerKey.secret, ME)).me).toEqual({ email: 'olive@gatehouse.dev', role: 'viewer' });
    expectError(await api.gql(viewerKey.secret, CANCEL, { id: runInA }), 'FORBIDDEN');
  });

  it("cannot exceed its principal's role: refused at creation, writing nothing", async () => {
    const res = await api.gql(KEYS.admin, CREATE_KEY, { name: 'escalate', principal: 'ivy@gatehouse.dev', role: 'admin' });
    expect(expectError(res, 'BAD_USER_INPUT').extensions?.details).toEqual({ field: 'role' });
    expectError(await api.gql(KEYS.admin, CREATE_KEY, { name: 'sideways', principal: 'rita@gatehouse.dev', role: 'integrator' }), 'BAD_USER_INPUT');
  });

  it('stops working when its principal is demoted below the key role', async () => {
    const [p] = await api.ds.query(`INSERT INTO principals (name, email, role) VALUES ('Demoted', 'demoted@example.com', 'owner') RETURNING id`);
    const { secret } = await create({ principal: p.id, role: 'integrator' });
    expect((await api.ok(secret, ME)).me.role).toBe('integrator');
    await api.ds.query(`UPDATE principals SET role = 'viewer' WHERE id = $1`, [p.id]);
    forgetVerifiedKeys();
    expectError(await api.gql(secret, ME), 'UNAUTHENTICATED');
  });
});

describe('workflow-scoped keys', () => {
  let scoped: string;
  beforeAll(async () => {
    const created = await create({ principal: 'ivy@gatehouse.dev', workflows: ['scope-a'] });
    expect(created.apiKey.workflows).toEqual(['scope-a']);
    scoped = created.secret;
  });

  it("a scoped admin key cannot reach identity operations outside GraphQL: no setting another admin's password", async () => {
    const admin = await create({ principal: 'ada@gatehouse.dev', workflows: ['scope-a'] });
    const res = await fetch(`${api.baseUrl}/auth/password`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': admin.secret },
      body: JSON.stringify({ email: 'olive@gatehouse.dev', newPassword: 'a-new-long-password' }),
    });
    expect(res.status).toBe(403);
    const [olive] = await api.ds.query(`SELECT password_changed_at FROM principals WHERE email = 'olive@gatehouse.dev'`);
    const [audited] = await api.ds.query(`SELECT count(*)::int AS n FROM audit_events WHERE action = 'principal.password_set'`);
    expect(audited.n).toBe(0);
    expect(olive.password_changed_at).not.toBeNull(); // the seed's, unchanged by this request
  });

  it('starts runs of its workflow; FORBIDDEN on another workflow, writing nothing', async () => {
    const ok = await api.ok(scoped, START_RUN, { key: 'scope-a', input: VALID_INPUT, idem: 'scoped-1' });
    expect(ok.startRun.run.id).toBeTruthy();
    const [{ n: before }] = await api.ds.query(`SELECT count(*)::int AS n FROM runs`);
    const refused = expectError(await api.gql(scoped, START_RUN, { key: 'scope-b', input: VALID_INPUT, idem: 'scoped-2' }), 'FORBIDDEN');
    expect(refused.message).toMatch(/limited to the workflows scope-a/);
    const [{ n: after }] = await api.ds.query(`SELECT count(*)::int AS n FROM runs`);
    expect(after).toBe(before);
  });

  it("reads and cancels its workflow's runs only (the run's workflow is looked up)", async () => {
    expect((await api.ok(scoped, RUN, { id: runInA })).run.id).toBe(runInA);
    expect(expectError(await api.gql(scoped, RUN, { id: runInB }), 'FORBIDDEN').message).toMatch(/belongs to scope-b/);
    expectError(await api.gql(scoped, CANCEL, { id: runInB }), 'FORBIDDEN');
    // An unknown id is the resolver's NOT_FOUND, as for any key.
    expectError(await api.gql(scoped, RUN, { id: '00000000-0000-4000-8000-0000000000ee' }), 'NOT_FOUND');
  });

  it('is refused on operations that span workflows; me still works', async () => {
    expect((await api.ok(scoped, ME)).me.email).toBe('ivy@gatehouse.dev');
    expectError(await api.gql(scoped, `{ runs(first: 5) { edges { node { id } } } }`), 'FORBIDDEN');
    expectError(await api.gql(scoped, `{ workflows { key } }`), 'FORBIDDEN');
    expect((await api.ok(scoped, `query { workflow(key: "scope-a") { key } }`)).workflow.key).toBe('scope-a');
  });

  it('an unscoped key of the same principal still reaches every workflow', async () => {
    expect((await api.ok(KEYS.integrator, RUN, { id: runInB })).run.id).toBe(runInB);
  });

  it('refuses unknown workflow keys at creation', async () => {
    const res = await api.gql(KEYS.admin, CREATE_KEY, { name: 'bad', workflows: ['no-such-flow'] });
    expect(expectError(res, 'BAD_USER_INPUT').extensions?.details).toMatchObject({ field: 'workflows', missing: ['no-such-flow'] });
  });
});
