/*
 * The API's test harness for other packages' tests (the SDK's, the CLI's): a real server on a
 * fresh database, the development principals and their keys, and the fixtures that publish and
 * drive workflows. Built with the API, imported as `@gatehouse/api/testing`; never by the API's
 * own runtime code. Needs vitest at run time (the harness asserts and reads the global setup's
 * provided values), so only test processes import it.
 */
export { driveRun } from '../test/drive-run.js';
export { KEYS, publishedWorkflow, VALID_INPUT } from '../test/fixtures.js';
export { default as apiGlobalSetup } from '../test/global-setup.js';
export { startTestApi, type GqlResult, type TestApi } from '../test/test-api.js';
export { seedDevPrincipals } from '../seed/dev-principals.js';
