export {
  createTestDatabase,
  startTestPostgres,
  type StartTestPostgresOptions,
  type TestDatabase,
  type TestPostgres,
  type TestPostgresContext,
} from './test-postgres.js';
export {
  createPostgresGlobalSetup,
  TEST_POSTGRES_KEY,
  type ProvidingProject,
} from './postgres-global-setup.js';
