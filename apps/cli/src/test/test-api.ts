import { seedDevPrincipals, startTestApi as startApi, type TestApi } from '@gatehouse/api/testing';

export { driveRun, KEYS, publishedWorkflow, VALID_INPUT } from '@gatehouse/api/testing';
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
