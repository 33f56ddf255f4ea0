import { MIGRATIONS_TABLE, prepareAppLogin, runMigrations } from '@gatehouse/db';
import { type DataSource, type Logger } from 'typeorm';
import { type CliEnv } from '../cli-env.js';
import { parseCommandArgs } from '../cli-args.js';
import { CliError } from '../cli-error.js';
import { type Command } from '../command.js';

/** `migrate`: applies pending migrations as the schema owner, one line per migration as it completes. */
export const migrate: Command = {
  path: ['migrate'],
  summary: 'apply pending database migrations as the schema owner',
  usage: `usage: gatehouse migrate [--check]

Applies the pending migrations, each in its own transaction, connected as the schema owner
(DATABASE_MIGRATION_URL, else DATABASE_URL, else the embedded PostgreSQL of \`pnpm start\`), and
prints each one as it completes; then, when DATABASE_URL is set, prepares the application's
login: created with DATABASE_URL's password when missing, made a member of gatehouse_app (a
privileged DATABASE_URL is refused with NODE_ENV=production, else replaced by a derived login).
This is the image's \`migrate\` job; the API runs the same at start, so running it first from a
deploy step keeps schema changes out of the API's start-up.
  --check   change nothing: list the pending migrations, exit 1 if there are any
Exit codes: 0 up to date (or all applied), 1 pending (--check) or a migration failed (it was
rolled back; the ones before it stay applied), 2 bad usage or no database.`,
  async run(args, ctx) {
    const { values } = parseCommandArgs(args, { check: { type: 'boolean' } });
    const { io } = ctx;
    const db = await ctx.openDatabase('owner');
    try {
      const pending = await pendingMigrations(db.ds.migrations.map((m) => m.name ?? m.constructor.name), db.ds);
      if (pending.length === 0) {
        io.stdout.write(`database is up to date (${db.ds.migrations.length} migrations applied)\n`);
        if (!values.check) await prepareLogin(db.ds, ctx.env(), io.stdout);
        return 0;
      }
      io.stdout.write(`${pending.length} pending migration${pending.length === 1 ? '' : 's'}${values.check ? ':' : ', applying:'}\n`);
      if (values.check) {
        for (const name of pending) io.stdout.write(`  ${name}\n`);
        return 1;
      }
      let last = performance.now();
      const done: string[] = [];
      // TypeORM reports each migration after its transaction commits.
      db.ds.setOptions({
        logger: migrationLogger((name) => {
          done.push(name);
          const now = performance.now();
          io.stdout.write(`  applied ${name} (${Math.round(now - last)} ms)\n`);
          last = now;
        }),
      });
      try {
        const applied = await runMigrations(db.ds);
        io.stdout.write(`applied ${applied.length} migration${applied.length === 1 ? '' : 's'}\n`);
        await prepareLogin(db.ds, ctx.env(), io.stdout);
        return 0;
      } catch (error) {
        const failed = pending.find((name) => !done.includes(name)) ?? 'a migration';
        throw new CliError('MIGRATION_FAILED', `${failed} failed and was rolled back (${done.length} applied before it): ${(error as Error).message}`);
      }
    } finally {
      await db.close();
    }
  },
};

/**
 * The application's login (packages/db app-login.ts), as the API's start and the old one-shot job
 * did: only when DATABASE_URL names it. A refusal (privileged login in production) is exit 1.
 */
async function prepareLogin(owner: DataSource, env: CliEnv, out: NodeJS.WritableStream): Promise<void> {
  if (!env.DATABASE_URL) return;
  const login = await prepareAppLogin(owner, { databaseUrl: env.DATABASE_URL, production: env.NODE_ENV === 'production' }).catch((error: Error) => {
    throw new CliError('MIGRATION_FAILED', `the migrations are applied, but the application login is not ready: ${error.message}`);
  });
  out.write(`application login ${login.login} ready${login.derived ? ' (derived from the privileged DATABASE_URL)' : ''}\n`);
}

/** Names of the code's migrations the database has not recorded, oldest first. */
async function pendingMigrations(known: string[], ds: { query(sql: string, params?: unknown[]): Promise<unknown> }): Promise<string[]> {
  const [table] = (await ds.query(`SELECT to_regclass($1) IS NOT NULL AS present`, [MIGRATIONS_TABLE])) as Array<{ present: boolean }>;
  if (!table?.present) return known;
  const applied = new Set(((await ds.query(`SELECT name FROM "${MIGRATIONS_TABLE}"`)) as Array<{ name: string }>).map((r) => r.name));
  return known.filter((name) => !applied.has(name));
}

/** A TypeORM logger that reports only completed migrations ("Migration X has been executed successfully."). */
function migrationLogger(onApplied: (name: string) => void): Logger {
  const ignore = () => undefined;
  return {
    logQuery: ignore,
    logQueryError: ignore,
    logQuerySlow: ignore,
    logMigration: ignore,
    log: ignore,
    logSchemaBuild: (message) => {
      const match = /^Migration (\S+) has been executed successfully\.$/.exec(message);
      if (match) onApplied(match[1]!);
    },
  };
}
