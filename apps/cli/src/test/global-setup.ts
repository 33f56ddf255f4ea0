import { createPostgresGlobalSetup } from '@gatehouse/db/testing';

// One PostgreSQL server and migrated template for the run, with an empty audit chain (the audit
// tests count on it); tests that need the API seed its dev principals themselves (test-api.ts).
export default createPostgresGlobalSetup();
