import 'reflect-metadata';
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
}

/** Name of the table TypeORM records applied migrations in. */
export const MIGRATIONS_TABLE = 'migrations';

/**
 * Builds the one TypeORM data source for Gatehouse. It is returned uninitialised: call
 * `initialize()` and, where the process owns the schema, `runMigrations()` explicitly.
 * The schema is only ever changed by migrations, never by `synchronize`.
 */
export function createDataSource(config: DataSourceConfig): DataSource {
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
  });
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
