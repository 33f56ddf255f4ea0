import 'reflect-metadata';
import type { Pool } from 'pg';
import { DataSource, type LoggerOptions } from 'typeorm';
import { entities } from './entities/index.js';
import { migrations } from './migrations/index.js';

export interface DataSourceConfig {
  /** postgres:// connection string. */
  url: string;
  /** Maximum connections in the pool (node-postgres `max`). Defaults to 10. */
  poolSize?: number;
  /** TypeORM logging; off by default. */
  logging?: LoggerOptions;
  /**
   * Database role every connection acts as (`-c role=…` at connect, so no extra round trip and
   * `RESET ROLE` keeps it): APP_DATABASE_ROLE for the API and the runner. Unset: the login
   * role of `url`, as migrations and test fixtures that play the owner need.
   */
  role?: string;
  /** Every transaction read-only (`default_transaction_read_only`), e.g. for the audit CLI. */
  readOnly?: boolean;
  /**
   * Keep every connection the pool has opened instead of closing those idle for 10 s (node-postgres'
   * default). A new connection is a new PostgreSQL backend: its catalog caches are cold and its
   * prepared statements unplanned, so the first statements on it take tens of milliseconds — paid
   * by the request that needed it, typically the first of a burst after a quiet spell. The API
   * keeps its pool (the connection budget counts the whole pool per process anyway).
   */
  keepConnections?: boolean;
}

/** Name of the table TypeORM records applied migrations in. */
export const MIGRATIONS_TABLE = 'migrations';

/**
 * Builds the one TypeORM data source for Gatehouse. It is returned uninitialised: call
 * `initialize()` and, where the process owns the schema, `runMigrations()` explicitly.
 * The schema is only ever changed by migrations, never by `synchronize`.
 */
export function createDataSource(config: DataSourceConfig): DataSource {
  const options = [
    ...(config.role ? [`-c role=${startupValue(config.role)}`] : []),
    ...(config.readOnly ? ['-c default_transaction_read_only=on'] : []),
  ];
  return new DataSource({
    type: 'postgres',
    url: config.url,
    applicationName: 'gatehouse',
    poolSize: config.poolSize ?? 10,
    logging: config.logging ?? false,
    entities,
    migrations,
    migrationsTableName: MIGRATIONS_TABLE,
    migrationsRun: false,
    migrationsTransactionMode: 'each',
    synchronize: false,
    extra: {
      ...(options.length > 0 ? { options: options.join(' ') } : {}),
      // pg-pool closes idle clients only above `min`.
      ...(config.keepConnections ? { min: config.poolSize ?? 10 } : {}),
    },
  });
}

/** A role name as a startup option value: plain identifiers only, nothing to escape. */
function startupValue(role: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(role)) throw new Error(`invalid database role name: ${JSON.stringify(role)}`);
  return role;
}

export interface RunMigrationsOptions {
  /** 'each' (default): one transaction per migration; 'all': one for the whole batch. */
  transaction?: 'each' | 'all';
}

/** Applies pending migrations and returns the names of those applied, oldest first. */
export async function runMigrations(
  ds: DataSource,
  options: RunMigrationsOptions = {},
): Promise<string[]> {
  const applied = await ds.runMigrations({ transaction: options.transaction ?? 'each' });
  return applied.map((m) => m.name);
}

/**
 * True when the code knows migrations the database has not applied. Read-only (unlike
 * TypeORM's `showMigrations`, it never creates the migrations table), so a readiness probe
 * may call it with a least-privilege role.
 */
export async function hasPendingMigrations(ds: DataSource): Promise<boolean> {
  const known = ds.migrations.map((m) => m.name ?? m.constructor.name);
  const [table] = (await ds.query(`SELECT to_regclass($1) IS NOT NULL AS present`, [
    MIGRATIONS_TABLE,
  ])) as Array<{ present: boolean }>;
  if (!table?.present) return known.length > 0;
  const rows = (await ds.query(`SELECT name FROM "${MIGRATIONS_TABLE}"`)) as Array<{ name: string }>;
  const applied = new Set(rows.map((r) => r.name));
  return known.some((name) => !applied.has(name));
}

/**
 * The node-postgres pool under an initialised data source, for the few hot statements that
 * need what TypeORM's `query` does not offer: a named (server-side prepared) statement, which
 * PostgreSQL parses and plans once per connection instead of on every call.
 */
export function pgPoolOf(ds: DataSource): Pool {
  const pool = (ds.driver as unknown as { master?: Pool }).master;
  if (!pool) throw new Error('the data source is not initialised (no pg pool)');
  return pool;
}
