import 'reflect-metadata';
import { APP_DATABASE_ROLE, createDataSource } from '@gatehouse/db';
import { createTestDatabase } from '@gatehouse/db/testing';
import type { DataSource } from 'typeorm';
import { expect, inject } from 'vitest';
import { createApp, type AppOptions } from '../app.js';
import { createLogger } from '../logger.js';

export interface GqlResult<T = Record<string, any>> {
  status: number;
  data: T | null;
  errors?: Array<{ message: string; extensions?: { code?: string; reason?: string; details?: any } }>;
}

export interface TestApi {
  /** Base URL of the running server (no path). */
  baseUrl: string;
  graphqlUrl: string;
  /** The API's own connection pool: logs in as the application's login, like production. */
  ds: DataSource;
  /** The test database as its owner (the superuser), for fixtures the application may not write. */
  ownerUrl: string;
  gql<T = Record<string, any>>(apiKey: string | null, query: string, variables?: Record<string, unknown>): Promise<GqlResult<T>>;
  /** Like gql but fails the test on any GraphQL error, returning data. */
  ok<T = Record<string, any>>(apiKey: string, query: string, variables?: Record<string, unknown>): Promise<T>;
  close(): Promise<void>;
}

/** A real API over real HTTP on a fresh database cloned from the migrated template. */
export async function startTestApi(options: Pick<AppOptions, 'allowDevelopmentKeys' | 'sessions' | 'oidc' | 'metricsAccess' | 'webhookTargets'> = {}): Promise<TestApi> {
  const db = await createTestDatabase(inject('gatehousePostgres'));
  const ds = createDataSource({ url: db.appUrl, poolSize: 8, role: APP_DATABASE_ROLE });
  await ds.initialize();
  const app = await createApp({ dataSource: ds, logger: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'), ...options });
  const address = await app.listen(0, '127.0.0.1');
  const baseUrl = `http://127.0.0.1:${address.port}`;
  const graphqlUrl = `${baseUrl}/graphql`;

  const gql = async <T,>(apiKey: string | null, query: string, variables?: Record<string, unknown>): Promise<GqlResult<T>> => {
    const res = await fetch(graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(apiKey ? { 'x-api-key': apiKey } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as Omit<GqlResult<T>, 'status'>;
    return { status: res.status, data: body.data ?? null, ...(body.errors ? { errors: body.errors } : {}) };
  };

  return {
    baseUrl,
    graphqlUrl,
    ds,
    ownerUrl: db.url,
    gql,
    ok: async <T,>(apiKey: string, query: string, variables?: Record<string, unknown>) => {
      const res = await gql<T>(apiKey, query, variables);
      expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
      return res.data as T;
    },
    close: async () => {
      await app.close();
      await ds.destroy();
      await db.drop();
    },
  };
}

/** Asserts the result failed with exactly this public error code, and returns the error. */
export function expectError(result: GqlResult, code: string) {
  expect(result.errors, `expected ${code}, got data ${JSON.stringify(result.data)}`).toBeDefined();
  const error = result.errors![0]!;
  expect(error.extensions?.code, error.message).toBe(code);
  expect(error.message.length).toBeGreaterThan(10);
  return error;
}

export async function countRows(ds: DataSource, table: string, where = 'true', params: unknown[] = []): Promise<number> {
  const [row] = await ds.query(`SELECT count(*)::int AS n FROM ${table} WHERE ${where}`, params);
  return (row as { n: number }).n;
}

/** Waits until `n` backends of the test database are blocked on a lock (for race tests). */
export async function waitForLockWaiters(ds: DataSource, n: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    // pg_locks, not pg_stat_activity's wait_event: the application role may not see the wait
    // details of sessions whose login role it does not have the privileges of.
    const [row] = await ds.query(
      `SELECT count(DISTINCT l.pid)::int AS n FROM pg_locks l
       WHERE NOT l.granted AND l.pid IN (SELECT pid FROM pg_stat_activity WHERE datname = current_database())`,
    );
    if ((row as { n: number }).n >= n) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`expected ${n} backends waiting on a lock`);
}

/** Holds a row lock in its own transaction until `release()`: orders racing requests in tests. */
export async function holdRowLock(ds: DataSource, table: 'approvals' | 'exception_items' | 'runs', id: string): Promise<{ release(): Promise<void> }> {
  const holder = ds.createQueryRunner();
  await holder.connect();
  await holder.startTransaction();
  await holder.query(`SELECT id FROM ${table} WHERE id = $1 FOR UPDATE`, [id]);
  return {
    release: async () => {
      await holder.commitTransaction();
      await holder.release();
    },
  };
}
