import { databaseEnvShape, parseEnv } from '@gatehouse/config';
import { type DataSource } from 'typeorm';
import type {} from 'vitest'; // makes the ProvidedContext augmentation below resolvable
import { z } from 'zod';
import { startTestPostgres, type TestPostgresContext } from './test-postgres.js';

/** Key under which the global setup provides the TestPostgresContext: `inject(TEST_POSTGRES_KEY)`. */
export const TEST_POSTGRES_KEY = 'gatehousePostgres';

declare module 'vitest' {
  export interface ProvidedContext {
    gatehousePostgres: TestPostgresContext;
  }
}

/** The part of vitest's TestProject a global setup uses. */
export interface ProvidingProject {
  provide(key: typeof TEST_POSTGRES_KEY, value: TestPostgresContext): void;
}

/**
 * Builds a vitest `globalSetup` default export: starts the test server and migrated template
 * once per run (DATABASE_URL's server when set), provides its context to every test file, and
 * tears it down at the end.
 *
 *   // vitest.global-setup.ts
 *   export default createPostgresGlobalSetup({ seed: async (ds) => { ... } });
 *   // in a test file
 *   const db = await createTestDatabase(inject('gatehousePostgres'));
 */
export function createPostgresGlobalSetup(
  options: { seed?: (ds: DataSource) => Promise<void> } = {},
): (project: ProvidingProject) => Promise<() => Promise<void>> {
  return async function setup(project) {
    const env = parseEnv(z.object({ DATABASE_URL: databaseEnvShape.DATABASE_URL }));
    const server = await startTestPostgres({ databaseUrl: env.DATABASE_URL, seed: options.seed });
    project.provide(TEST_POSTGRES_KEY, { adminUrl: server.adminUrl, templateName: server.templateName });
    return () => server.stop();
  };
}
