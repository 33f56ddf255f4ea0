import 'reflect-metadata';
import { createPostgresGlobalSetup } from '@gatehouse/db/testing';
import { seedDevPrincipals } from '../seed/dev-principals.js';

// One PostgreSQL server per test run; the template holds the schema and the dev principals.
export default createPostgresGlobalSetup({
  seed: async (ds) => {
    await seedDevPrincipals(ds);
  },
});
