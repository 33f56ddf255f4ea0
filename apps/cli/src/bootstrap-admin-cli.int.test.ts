import { createTestDatabase, type TestDatabase } from '@gatehouse/db/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { cli } from './test/run-cli.js';
import { startProductionLikeApi, type TestApi } from './test/test-api.js';

const ME = `{ me { email name role } }`;
let api: TestApi;
let env: Record<string, string>;

beforeAll(async () => {
  api = await startProductionLikeApi();
  env = { DATABASE_URL: api.ownerUrl };
});
afterAll(() => api?.close());

async function count(url: string, sql: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return Number((await client.query(sql)).rows[0].n);
  } finally {
    await client.end();
  }
}

describe('gatehouse bootstrap-admin', () => {
  it('creates the first admin and prints only the key, which authenticates against a production-like API', async () => {
    expect(await count(api.ownerUrl, `SELECT count(*) AS n FROM principals`)).toBe(0);
    const result = await cli(['bootstrap-admin', '--email', ' Ada@Example.COM ', '--name', 'Ada Admin'], env);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^gh_[0-9a-f]{12}_[A-Za-z0-9_-]{32}\n$/);
    const key = result.stdout.trim();
    expect(result.stderr).toContain('created admin Ada Admin <ada@example.com> and the API key "bootstrap"');
    expect(result.stderr).not.toContain(key);

    expect((await api.ok(key, ME)).me).toEqual({ email: 'ada@example.com', name: 'Ada Admin', role: 'admin' });
    // The admin goes on through the API: people and keys.
    await api.ok(key, `mutation { createPrincipal(name: "Rita Reviewer", email: "rita@example.com", role: reviewer) { id } }`);
    const named = (await api.ok(key, `mutation { createApiKey(name: "ops laptop") { secret } }`)).createApiKey.secret;
    expect((await api.ok(named, ME)).me.email).toBe('ada@example.com');

    // Stored as a hash, audited as the system with the operator.
    expect(await count(api.ownerUrl, `SELECT count(*) AS n FROM api_keys WHERE hash_scheme = 'scrypt' AND key_hash LIKE 'scrypt$%' AND key_hash NOT LIKE '%${key}%'`)).toBe(2);
    const client = new pg.Client({ connectionString: api.ownerUrl });
    await client.connect();
    try {
      const { rows } = await client.query(`SELECT action, actor_id, actor_role, data FROM audit_events WHERE actor_role = 'system' ORDER BY action`);
      expect(rows.map((r) => [r.action, r.actor_id])).toEqual([
        ['api_key.created', null],
        ['principal.created', null],
      ]);
      for (const row of rows) expect(row.data.operator).toMatch(/\(gatehouse cli\)$/);
      expect(JSON.stringify(rows)).not.toContain(key);
    } finally {
      await client.end();
    }
  });

  it('refuses a second run (exit 1), changing nothing, and points at createPrincipal / createApiKey', async () => {
    const principals = await count(api.ownerUrl, `SELECT count(*) AS n FROM principals`);
    const keys = await count(api.ownerUrl, `SELECT count(*) AS n FROM api_keys`);
    const again = await cli(['bootstrap-admin', '--email', 'eve@example.com', '--name', 'Eve'], env);
    expect(again.code).toBe(1);
    expect(again.stdout).toBe('');
    expect(again.stderr).toMatch(/^gatehouse: error \[CONFLICT\]: an enabled admin already exists \(1\); nothing was changed\. .*createPrincipal .*createApiKey/);
    expect(await count(api.ownerUrl, `SELECT count(*) AS n FROM principals`)).toBe(principals);
    expect(await count(api.ownerUrl, `SELECT count(*) AS n FROM api_keys`)).toBe(keys);
  });

  it('refuses bad arguments with exit 2, writing nothing', async () => {
    const db = await createTestDatabase(inject('gatehousePostgres'));
    try {
      const missing = await cli(['bootstrap-admin', '--name', 'Ada'], { DATABASE_URL: db.url });
      expect(missing.code).toBe(2);
      expect(missing.stderr).toContain('gatehouse: error [BAD_ARGUMENT]: --email is required');
      const bad = await cli(['bootstrap-admin', '--email', 'not-an-email', '--name', 'Ada'], { DATABASE_URL: db.url });
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain('is not an email address');
      expect(await count(db.url, `SELECT count(*) AS n FROM principals`)).toBe(0);
    } finally {
      await db.drop();
    }
  });
});

describe('gatehouse bootstrap-admin, run twice at once', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(inject('gatehousePostgres'));
  });
  afterAll(() => db?.drop());

  it('creates exactly one admin; --json prints the principal, the key and its prefix', async () => {
    const runs = await Promise.all([
      cli(['bootstrap-admin', '--email', 'one@example.com', '--name', 'One', '--key-name', 'first key', '--json'], { DATABASE_URL: db.url }),
      cli(['bootstrap-admin', '--email', 'two@example.com', '--name', 'Two', '--key-name', 'first key', '--json'], { DATABASE_URL: db.url }),
    ]);
    expect(runs.map((r) => r.code).sort()).toEqual([0, 1]);
    const winner = runs.find((r) => r.code === 0)!;
    const out = JSON.parse(winner.stdout) as { principal: { email: string; role: string }; apiKey: { name: string; prefix: string }; key: string };
    expect(out.principal.role).toBe('admin');
    expect(out.apiKey.name).toBe('first key');
    expect(out.key.startsWith(`gh_${out.apiKey.prefix}_`)).toBe(true);
    expect(await count(db.url, `SELECT count(*) AS n FROM principals WHERE role = 'admin'`)).toBe(1);
    expect(await count(db.url, `SELECT count(*) AS n FROM api_keys`)).toBe(1);
  });
});
