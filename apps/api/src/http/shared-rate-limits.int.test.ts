import 'reflect-metadata';
import { APP_DATABASE_ROLE, createDataSource } from '@gatehouse/db';
import { createTestDatabase, type TestDatabase } from '@gatehouse/db/testing';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createApp, type AppOptions } from '../app.js';
import { createLogger } from '../logger.js';
import { DEV_PASSWORD } from '../seed/dev-principals.js';
import { KEYS, wrongSecretFor } from '../test/fixtures.js';

/*
 * Two API replicas on one database, as docs/deployment.md runs them. With the postgres store the
 * limits hold across both (a client cannot double its budget by alternating replicas); with the
 * memory store each replica counts alone, which is why production configures the former.
 */
let db: TestDatabase;
const pools: DataSource[] = [];
const apps: Array<{ close(): Promise<void> }> = [];

beforeAll(async () => {
  db = await createTestDatabase(inject('gatehousePostgres'));
});
afterAll(async () => {
  for (const app of apps) await app.close();
  for (const ds of pools) await ds.destroy();
  await db.drop();
});

/** One replica: its own pool (the application login) and its own HTTP server. */
async function replica(options: Pick<AppOptions, 'rateLimits' | 'rateLimitStore'>): Promise<string> {
  const ds = createDataSource({ url: db.appUrl, poolSize: 3, role: APP_DATABASE_ROLE });
  await ds.initialize();
  pools.push(ds);
  const app = await createApp({ dataSource: ds, logger: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'), ...options });
  apps.push(app);
  const { port } = await app.listen(0, '127.0.0.1');
  return `http://127.0.0.1:${port}`;
}

async function me(baseUrl: string, apiKey: string): Promise<number> {
  const res = await fetch(`${baseUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': apiKey }, body: JSON.stringify({ query: '{ me { id } }' }) });
  await res.arrayBuffer();
  return res.status;
}

async function signIn(baseUrl: string, email: string, password: string): Promise<number> {
  const res = await fetch(`${baseUrl}/auth/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
  await res.arrayBuffer();
  return res.status;
}

/** A new scrypt key for ivy, made through the API as an admin would. */
async function createKey(baseUrl: string): Promise<string> {
  const res = await fetch(`${baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': KEYS.admin },
    body: JSON.stringify({ query: 'mutation { createApiKey(name: "replica test", principal: "ivy@gatehouse.dev") { secret } }' }),
  });
  return ((await res.json()) as { data: { createApiKey: { secret: string } } }).data.createApiKey.secret;
}


/** Who the key acts as, or the error code. */
async function whoAmI(baseUrl: string, apiKey: string): Promise<string> {
  const res = await fetch(`${baseUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': apiKey }, body: JSON.stringify({ query: '{ me { email } }' }) });
  const body = (await res.json()) as { data?: { me: { email: string } } | null; errors?: Array<{ extensions?: { code?: string } }> };
  return body.data?.me?.email ?? body.errors?.[0]?.extensions?.code ?? 'no answer';
}

const LIMITS = { windowSeconds: 60, perKey: 4, perIp: 10_000 };

describe('rate limits across two API replicas', () => {
  it('postgres store: the per-key limit holds across both replicas', async () => {
    const [a, b] = [await replica({ rateLimits: LIMITS, rateLimitStore: 'postgres' }), await replica({ rateLimits: LIMITS, rateLimitStore: 'postgres' })];
    // Alternating replicas, as a round-robin proxy would: four requests in all pass, the fifth
    // is refused wherever it lands, and so is the next one on the other replica.
    const statuses = [await me(a, KEYS.viewer), await me(b, KEYS.viewer), await me(a, KEYS.viewer), await me(b, KEYS.viewer), await me(a, KEYS.viewer), await me(b, KEYS.viewer)];
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
    // Another key has its own budget on both.
    expect([await me(a, KEYS.admin), await me(b, KEYS.admin)]).toEqual([200, 200]);
    // The counters are rows of the shared table, the key hashed (no secret stored). Each replica
    // asked the database once past the limit (5 + 1 on the other); since then it refuses the key
    // from memory until the window ends, so a flood costs no database round trips.
    expect([await me(a, KEYS.viewer), await me(b, KEYS.viewer)]).toEqual([429, 429]);
    const rows = (await pools[0]!.query(`SELECT key, points FROM rate_limit_counters WHERE key LIKE 'key:%' ORDER BY points DESC`)) as Array<{ key: string; points: number }>;
    expect(rows[0]!.points).toBe(6);
    expect(rows.map((r) => r.key).join()).not.toContain(KEYS.viewer);
  });

  it('postgres store: the sign-in lockout holds across both replicas', async () => {
    const [a, b] = [await replica({ rateLimitStore: 'postgres' }), await replica({ rateLimitStore: 'postgres' })];
    const email = 'olive@gatehouse.dev';
    const failures = [];
    for (let i = 0; i < 5; i++) failures.push(await signIn(i % 2 ? b : a, email, `wrong-${i}`));
    expect(failures).toEqual([401, 401, 401, 401, 401]);
    // Locked on both replicas now, even with the right password.
    expect(await signIn(b, email, DEV_PASSWORD)).toBe(429);
    expect(await signIn(a, email, DEV_PASSWORD)).toBe(429);
    // Another email is not affected.
    expect(await signIn(b, 'rita@gatehouse.dev', DEV_PASSWORD)).toBe(200);
  });

  it('postgres store: wrong secrets for a key prefix count on both replicas before the prefix is refused without hashing', async () => {
    const [a, b] = [await replica({ rateLimitStore: 'postgres' }), await replica({ rateLimitStore: 'postgres' })];
    const [one, two] = [await createKey(a), await createKey(a)];
    // Three wrong secrets on one replica, two on the other: five in all, the limit.
    for (const [i, at] of [a, a, a, b, b].entries()) expect(await whoAmI(at, wrongSecretFor(one, i))).toBe('UNAUTHENTICATED');
    // Both replicas now refuse the prefix, even with its right secret (a key neither has verified).
    expect(await whoAmI(a, one)).toBe('UNAUTHENTICATED');
    expect(await whoAmI(b, one)).toBe('UNAUTHENTICATED');
    // Another prefix is not affected.
    expect(await whoAmI(b, two)).toBe('ivy@gatehouse.dev');
  });

  it('memory store: each replica counts wrong secrets on its own', async () => {
    const [a, b] = [await replica({}), await replica({})];
    const key = await createKey(a);
    for (const [i, at] of [a, a, a, b, b].entries()) expect(await whoAmI(at, wrongSecretFor(key, i))).toBe('UNAUTHENTICATED');
    // Neither replica has seen five: the right secret still works on both.
    expect(await whoAmI(a, key)).toBe('ivy@gatehouse.dev');
    expect(await whoAmI(b, key)).toBe('ivy@gatehouse.dev');
  });

  it('memory store (the default): each replica counts on its own', async () => {
    const [a, b] = [await replica({ rateLimits: LIMITS }), await replica({ rateLimits: LIMITS })];
    const statuses = [];
    for (let i = 0; i < 8; i++) statuses.push(await me(i % 2 ? b : a, KEYS.reviewer));
    // Twice the limit passes: why several replicas need the postgres store.
    expect(statuses).toEqual(Array(8).fill(200));
    expect([await me(a, KEYS.reviewer), await me(b, KEYS.reviewer)]).toEqual([429, 429]);
  });
});
