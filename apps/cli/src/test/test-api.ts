import { seedDevPrincipals } from '@gatehouse/api/src/seed/dev-principals.js';
import { startTestApi as startApi, type TestApi } from '@gatehouse/api/src/test/test-api.js';

export { KEYS, publishedWorkflow, VALID_INPUT } from '@gatehouse/api/src/test/fixtures.js';
export { driveRun } from '@gatehouse/api/src/test/drive-run.js';
export type { TestApi };

/** The real API on a fresh database, with the development principals and their keys. */
export async function startTestApi(): Promise<TestApi> {
  const api = await startApi();
  await seedDevPrincipals(api.ds);
  return api;
}

/** The real API as in production: no development principals, development keys refused. */
export function startProductionLikeApi(): Promise<TestApi> {
  return startApi({ allowDevelopmentKeys: false });
}
