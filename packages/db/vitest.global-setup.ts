import { createPostgresGlobalSetup } from './src/testing/index.js';

// One PostgreSQL server and migrated template for the whole run; test files clone it.
export default createPostgresGlobalSetup();
