import { type RenderResult, configure } from '@testing-library/react';
import { type ReactElement } from 'react';
import { type Handlers, type RecordedRequest, renderAt, stubGraphQL } from '../../../test/graphql-stub.js';

/* Test helper for the run and approval screens: a fetch stub at the HTTP boundary answering by operation name. */

// Two cores shared by parallel builds: the first render of a screen can take over a second.
configure({ asyncUtilTimeout: 5000 });

const READ = ['me', 'workflows', 'workflow', 'run', 'runs', 'exceptionQueue', 'approvals', 'approval', 'metrics', 'auditTrail'];

export const TEST_PRINCIPALS = {
  gh_dev_reviewer: { id: 'p-rita', name: 'Rita Reviewer', email: 'rita@x', role: 'reviewer', operations: [...READ, 'decideApproval', 'claimException', 'reopenRun', 'decisionRecord'] },
  gh_dev_owner: { id: 'p-olive', name: 'Olive Owner', email: 'olive@x', role: 'owner', operations: [...READ, 'decideApproval', 'cancelRun', 'reopenRun', 'decisionRecord'] },
  gh_dev_viewer: { id: 'p-vera', name: 'Vera Viewer', email: 'vera@x', role: 'viewer', operations: READ },
  gh_dev_integrator: { id: 'p-ivy', name: 'Ivy Integrator', email: 'ivy@x', role: 'integrator', operations: ['me', 'workflows', 'workflow', 'run', 'runs', 'startRun', 'cancelRun'] },
} as const;

export type TestKey = keyof typeof TEST_PRINCIPALS;

export type { Answer, Handlers, RecordedRequest } from '../../../test/graphql-stub.js';
export { gqlError } from '../../../test/graphql-stub.js';

/** Stubs fetch; returns the requests made (ConsoleMe answered from TEST_PRINCIPALS). */
export function stubApi(handlers: Handlers): RecordedRequest[] {
  return stubGraphQL((apiKey) => TEST_PRINCIPALS[apiKey as TestKey], handlers);
}

/** Renders `element` at `path` (matched by `route`) signed in as `apiKey`. */
export function renderRoute(options: { path: string; route: string; element: ReactElement; apiKey: TestKey }): RenderResult {
  return renderAt({ path: options.path, routes: { [options.route]: options.element }, apiKey: options.apiKey });
}
