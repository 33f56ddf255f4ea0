import { type RenderResult } from '@testing-library/react';
import type { ReactElement } from 'react';
import { type Handlers, gqlError, renderAt, stubGraphQL } from '../../../test/graphql-stub.js';
import { challengerWorkflow } from './fixtures.js';

export interface StubRequest {
  readonly operation: string;
  readonly variables: Record<string, unknown>;
}

/** A GraphQL answer: data, or an error the API would send. */
export type StubAnswer = { data: unknown } | { error: { message: string; code: string; details?: unknown } };
export type StubHandler = (variables: Record<string, unknown>) => StubAnswer;

/** Operations an owner and a viewer may call (a subset of the API's role table). */
export const OWNER_OPERATIONS = [
  'me',
  'workflows',
  'workflow',
  'metrics',
  'proposeWorkflowVersion',
  'approveWorkflowVersion',
  'rejectWorkflowVersion',
  'publishWorkflowVersion',
  'rollbackWorkflow',
  'attachChallenger',
  'detachChallenger',
  'setRolloutStage',
  'pauseWorkflow',
  'resumeWorkflow',
  'signOffPromotion',
  'assessReadiness',
];
export const VIEWER_OPERATIONS = ['me', 'workflows', 'workflow', 'metrics'];

export interface StubOptions {
  readonly path: string;
  readonly route: string;
  readonly element: ReactElement;
  readonly role?: 'owner' | 'viewer' | 'admin';
  readonly myId?: string;
  readonly handlers: Record<string, StubHandler>;
}

export { currentLocation } from '../../../test/graphql-stub.js';

/**
 * Renders one screen signed in as an owner or viewer, with `fetch` stubbed at the HTTP boundary:
 * each operation (by name) is answered by its handler; every request is recorded.
 */
export function renderWithApi({ path, route, element, role = 'owner', myId = 'p-owner', handlers }: StubOptions): RenderResult & { requests: StubRequest[] } {
  const me = {
    id: myId,
    name: role === 'viewer' ? 'Vera Viewer' : 'Olive Owner',
    email: `${role}@x`,
    role,
    operations: role === 'viewer' ? VIEWER_OPERATIONS : OWNER_OPERATIONS,
  };
  // Every workflow page asks for its challenger; none is attached unless a test says otherwise.
  const withDefaults: Record<string, StubHandler> = { ConsoleWorkflowChallenger: () => ({ data: { workflow: challengerWorkflow() } }), ...handlers };
  const answers: Handlers = Object.fromEntries(
    Object.entries(withDefaults).map(([operation, handler]) => [
      operation,
      (variables: Record<string, unknown>) => {
        const answer = handler(variables);
        return 'data' in answer ? answer : gqlError(answer.error.message, answer.error.code, { details: answer.error.details });
      },
    ]),
  );
  const requests = stubGraphQL(() => me, answers);
  const apiKey = role === 'viewer' ? 'gh_dev_viewer' : role === 'admin' ? 'gh_dev_admin' : 'gh_dev_owner';
  const utils = renderAt({ path, apiKey, routes: { [route]: element } });
  return { ...utils, requests };
}
