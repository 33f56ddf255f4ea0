import { migrations } from '@gatehouse/db';
import { createTestDatabase, type TestDatabase } from '@gatehouse/db/testing';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { cli } from './test/run-cli.js';

const NAMES = migrations.map((M) => new M().name ?? M.name);
let db: TestDatabase | undefined;

afterEach(async () => {
  await db?.drop();
  db = undefined;
});

describe('gatehouse migrate', () => {
  it('applies every migration to an empty database, printing each, then has nothing to do', async () => {
    db = await createTestDatabase(inject('gatehousePostgres'), { empty: true });
    const check = await cli(['migrate', '--check'], { DATABASE_URL: db.url });
    expect(check.code).toBe(1);
    expect(check.stdout).toBe(`${NAMES.length} pending migrations:\n${NAMES.map((n) => `  ${n}\n`).join('')}`);

    const result = await cli(['migrate'], { DATABASE_URL: db.url });
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(`${NAMES.length} pending migrations, applying:`);
    // One line per migration, in order, as each completes.
    expect(lines.slice(1, -2).map((l) => /^ {2}applied (\S+) \(\d+ ms\)$/.exec(l)?.[1])).toEqual(NAMES);
    expect(lines.at(-2)).toBe(`applied ${NAMES.length} migrations`);
    // DATABASE_URL is the superuser here (development): the derived application login is made, as the API does.
    expect(lines.at(-1)).toBe('application login gatehouse_api ready (derived from the privileged DATABASE_URL)');

    const again = await cli(['migrate'], { DATABASE_URL: db.url });
    expect(again).toMatchObject({ code: 0, stdout: `database is up to date (${NAMES.length} migrations applied)\napplication login gatehouse_api ready (derived from the privileged DATABASE_URL)\n` });
    expect((await cli(['migrate', '--check'], { DATABASE_URL: db.url })).code).toBe(0);
  });

  it('migrates as DATABASE_MIGRATION_URL (the owner), then creates the DATABASE_URL login with only gatehouse_app\'s rights, like the deploy job', async () => {
    db = await createTestDatabase(inject('gatehousePostgres'), { empty: true });
    const appUrl = new URL(db.url);
    appUrl.username = `app_${randomBytes(4).toString('hex')}`;
    appUrl.password = 'app-login-password';
    const env = { NODE_ENV: 'production', LOG_LEVEL: 'info', DATABASE_URL: appUrl.toString(), DATABASE_MIGRATION_URL: db.url };
    const result = await cli(['migrate'], env);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`applied ${NAMES.length} migrations\napplication login ${appUrl.username} ready\n`);
    const app = new pg.Client({ connectionString: appUrl.toString() });
    await app.connect();
    try {
      const { rows } = await app.query(`SELECT pg_has_role(current_user, 'gatehouse_app', 'MEMBER') AS member, (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS superuser`);
      expect(rows[0]).toEqual({ member: true, superuser: false });
    } finally {
      await app.end();
    }
    // In production a privileged DATABASE_URL is refused (exit 1) even though the migrations ran.
    const privileged = await cli(['migrate'], { ...env, DATABASE_URL: db.url });
    expect(privileged.code).toBe(1);
    expect(privileged.stderr).toContain('gatehouse: error [MIGRATION_FAILED]: the migrations are applied, but the application login is not ready: Invalid environment: DATABASE_URL logs in as');
  });

  it('exits 1 naming the migration that failed; the ones before it stay applied', async () => {
    db = await createTestDatabase(inject('gatehousePostgres'), { empty: true });
    // Forgetting that migrations 2.. ran makes the second run again: its ALTER TABLE finds its column there.
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const first = await cli(['migrate'], { DATABASE_URL: db.url });
      expect(first.code).toBe(0);
      await client.query(`DELETE FROM migrations WHERE name <> $1`, [NAMES[0]]);
      const result = await cli(['migrate'], { DATABASE_URL: db.url });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`gatehouse: error [MIGRATION_FAILED]: ${NAMES[1]} failed and was rolled back (0 applied before it)`);
      const { rows } = await client.query(`SELECT name FROM migrations ORDER BY id`);
      expect(rows.map((r: { name: string }) => r.name)).toEqual([NAMES[0]]);
    } finally {
      await client.end();
    }
  });

  it('says why it cannot connect, with exit code 2', async () => {
    const result = await cli(['migrate'], { DATABASE_URL: 'postgres://nobody:x@127.0.0.1:1/none' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('gatehouse: error [DATABASE_UNAVAILABLE]: could not connect to PostgreSQL');
  });

  it('--help describes the command and its exit codes', async () => {
    const result = await cli(['migrate', '--help'], {});
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('usage: gatehouse migrate [--check]');
    expect(result.stdout).toContain('Exit codes: 0 up to date');
  });
});
