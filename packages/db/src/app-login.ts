import { createHmac } from 'node:crypto';
import pg from 'pg';
import { type DataSource } from 'typeorm';
import { APP_DATABASE_ROLE } from './app-role.js';

/*
 * The login the API and the runner connect with. `-c role=gatehouse_app` alone is not a wall: a
 * session that logged in as the owner or a superuser can `SET ROLE` / `RESET ROLE` its way back
 * (one injected statement is enough) and then rewrite audit_events. So the pools log in as a role
 * that has nothing but gatehouse_app's rights (docs/security.md, "Audit integrity").
 */

/** The login derived from a privileged DATABASE_URL outside production (`pnpm start`, tests). */
export const DERIVED_APP_LOGIN = 'gatehouse_api';

/** Why a login must not be the application's, or null when it may be. */
export type AppLoginProblem = 'superuser_or_createrole' | 'schema_owner';

interface LoginFacts {
  exists: boolean;
  problem: AppLoginProblem | null;
  member: boolean;
}

type Query = (sql: string, params?: unknown[]) => Promise<Array<Record<string, unknown>>>;

/**
 * What the catalog says about a login: whether it can step out of gatehouse_app's grants
 * (superuser or CREATEROLE, itself or through a role it may SET ROLE to; or a member of the role
 * that owns the tables, which may ALTER them and disable the guard triggers).
 */
async function loginFacts(query: Query, login: string): Promise<LoginFacts> {
  const [row] = await query(
    `SELECT EXISTS (SELECT 1 FROM pg_roles p
                     WHERE (p.rolsuper OR p.rolcreaterole) AND pg_has_role(r.oid, p.oid, 'MEMBER')) AS elevated,
            EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                     WHERE n.nspname = 'public' AND c.relname = 'audit_events'
                       AND pg_has_role(r.oid, c.relowner, 'MEMBER')) AS owner,
            pg_has_role(r.oid, $2::name, 'MEMBER') AS member
       FROM pg_roles r WHERE r.rolname = $1`,
    [login, APP_DATABASE_ROLE],
  );
  if (!row) return { exists: false, problem: null, member: false };
  const problem: AppLoginProblem | null = row.elevated ? 'superuser_or_createrole' : row.owner ? 'schema_owner' : null;
  return { exists: true, problem, member: Boolean(row.member) };
}

const PROBLEM_TEXT: Record<AppLoginProblem, string> = {
  superuser_or_createrole: 'is a superuser or may create roles',
  schema_owner: 'owns the schema',
};

function refusal(login: string, problem: AppLoginProblem): Error {
  return new Error(
    `Invalid environment: DATABASE_URL logs in as "${login}", which ${PROBLEM_TEXT[problem]}, so the application could rewrite the audit trail. ` +
      `In production set DATABASE_URL to a login that is only a member of ${APP_DATABASE_ROLE} (the API creates it when missing) ` +
      'and DATABASE_MIGRATION_URL to the schema owner (docs/security.md, "Audit integrity").',
  );
}

function loginOf(url: string): { user: string; password: string } {
  const parsed = new URL(url);
  const user = decodeURIComponent(parsed.username);
  if (!user) throw new Error('Invalid environment: DATABASE_URL must name its user (postgres://user:password@host/db).');
  return { user, password: decodeURIComponent(parsed.password) };
}

/**
 * The derived application login for a privileged URL: same server and database, user
 * `gatehouse_api`, password an HMAC of the privileged login's password. Every process given the
 * same privileged URL (API, runner, test harness) derives the same one, and only someone who
 * knows that password can: deriving it gives nobody anything they did not have.
 */
export function derivedAppLoginUrl(privilegedUrl: string): string {
  const url = new URL(privilegedUrl);
  const secret = decodeURIComponent(url.password);
  if (!secret) {
    throw new Error(
      'Invalid environment: DATABASE_URL logs in as a privileged user without a password, so no application login can be derived from it. ' +
        `Set DATABASE_URL to a login that is only a member of ${APP_DATABASE_ROLE} and DATABASE_MIGRATION_URL to the schema owner.`,
    );
  }
  url.username = DERIVED_APP_LOGIN;
  url.password = createHmac('sha256', secret).update(`gatehouse application login ${DERIVED_APP_LOGIN}`).digest('hex');
  return url.toString();
}

/** Creates a login that holds gatehouse_app's rights and nothing else; a concurrent creator wins quietly. */
async function createLogin(owner: DataSource, user: string, password: string): Promise<void> {
  // Utility statements take no bind parameters: the server quotes the values (format %I / %L).
  const [{ sql }] = (await owner.query(
    `SELECT format('CREATE ROLE %I LOGIN PASSWORD %L NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT IN ROLE %I', $1::text, $2::text, $3::text) AS sql`,
    [user, password, APP_DATABASE_ROLE],
  )) as [{ sql: string }];
  try {
    await owner.query(sql);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code !== '42710' && code !== '23505') throw error; // duplicate_object / unique_violation: it exists now
  }
}

/** True when `url` can log in (a wrong password or a missing role is false; other errors throw). */
async function canLogIn(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, application_name: 'gatehouse-login-check' });
  try {
    await client.connect();
    return true;
  } catch (error) {
    if ((error as { code?: string }).code === '28P01' || (error as { code?: string }).code === '28000') return false;
    throw error;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Makes the derived login exist with the derived password (also after the owner's password changed). */
async function ensureDerivedLogin(owner: DataSource, url: string): Promise<void> {
  const { user, password } = loginOf(url);
  const facts = await loginFacts((sql, params) => owner.query(sql, params), user);
  if (facts.problem) throw refusal(user, facts.problem);
  if (!facts.exists) await createLogin(owner, user, password);
  else if (!facts.member) await owner.query(`GRANT ${APP_DATABASE_ROLE} TO ${DERIVED_APP_LOGIN}`);
  if (await canLogIn(url)) return;
  // Connect first, alter only when needed: concurrent ALTER ROLEs of one role can fail with
  // "tuple concurrently updated", and test files start API processes in parallel.
  const [{ sql }] = (await owner.query(`SELECT format('ALTER ROLE %I PASSWORD %L', $1::text, $2::text) AS sql`, [user, password])) as [{ sql: string }];
  await owner.query(sql);
}

export interface PreparedAppLogin {
  /** Connection string the application's pools use. */
  url: string;
  /** The login's name. */
  login: string;
  /** True when DATABASE_URL was privileged and the `gatehouse_api` login was derived from it. */
  derived: boolean;
}

/**
 * Run by the API with the owner's connection, after the migrations: makes sure the application
 * has a login that holds only gatehouse_app's rights, and returns the URL to use.
 * - DATABASE_URL names such a login: it is used; created (with DATABASE_URL's password) when
 *   missing, made a member of gatehouse_app when it is not one.
 * - DATABASE_URL names a privileged login (superuser, CREATEROLE, schema owner): refused in
 *   production; otherwise the derived `gatehouse_api` login is created and used.
 */
export async function prepareAppLogin(owner: DataSource, options: { databaseUrl: string; production: boolean }): Promise<PreparedAppLogin> {
  const { user, password } = loginOf(options.databaseUrl);
  const facts = await loginFacts((sql, params) => owner.query(sql, params), user);
  if (facts.problem) {
    if (options.production) throw refusal(user, facts.problem);
    const url = derivedAppLoginUrl(options.databaseUrl);
    await ensureDerivedLogin(owner, url);
    return { url, login: DERIVED_APP_LOGIN, derived: true };
  }
  if (!facts.exists) {
    if (!password) throw new Error(`Invalid environment: DATABASE_URL names the login "${user}", which does not exist yet; give it a password in DATABASE_URL so the API can create it.`);
    await createLogin(owner, user, password);
  } else if (!facts.member) {
    const [{ sql }] = (await owner.query(`SELECT format('GRANT %I TO %I', $1::text, $2::text) AS sql`, [APP_DATABASE_ROLE, user])) as [{ sql: string }];
    await owner.query(sql);
  }
  return { url: options.databaseUrl, login: user, derived: false };
}

/**
 * For processes that do not migrate (the runner): the URL to connect with. A DATABASE_URL that
 * holds only gatehouse_app's rights is used as it is; a privileged one is refused in production
 * and otherwise replaced by the derived login, which the API has created.
 */
export async function resolveAppLoginUrl(databaseUrl: string, options: { production: boolean }): Promise<string> {
  const client = new pg.Client({ connectionString: databaseUrl, application_name: 'gatehouse-login-check' });
  await client.connect();
  let facts: LoginFacts;
  let login: string;
  try {
    const [me] = (await client.query('SELECT session_user AS login')).rows as Array<{ login: string }>;
    login = me!.login;
    facts = await loginFacts(async (sql, params) => (await client.query(sql, params)).rows as Array<Record<string, unknown>>, login);
  } finally {
    await client.end();
  }
  if (!facts.problem) return databaseUrl;
  if (options.production) throw refusal(login, facts.problem);
  const url = derivedAppLoginUrl(databaseUrl);
  if (!(await canLogIn(url))) {
    throw new Error(`The application login ${DERIVED_APP_LOGIN} derived from DATABASE_URL cannot log in yet: start the API first (its migrations create it).`);
  }
  return url;
}
