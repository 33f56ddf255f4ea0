import { type RenderResult } from '@testing-library/react';
import { type Handlers, type RecordedRequest, renderAt, stubGraphQL } from '../../../test/graphql-stub.js';
import { ExceptionQueuePage } from '../components/exception-queue-page.js';

/* The queue screen against a fetch stub at the HTTP boundary, answering by operation name. */

const READ = ['me', 'workflows', 'run', 'runs', 'exceptionQueue', 'exception'];
const ACT = ['claimException', 'releaseException', 'resolveException'];

export const PRINCIPALS = {
  gh_dev_reviewer: { id: 'p-rita', name: 'Rita Reviewer', email: 'rita@x', role: 'reviewer', operations: [...READ, ...ACT] },
  gh_dev_reviewer2: { id: 'p-rafael', name: 'Rafael Reviewer', email: 'rafael@x', role: 'reviewer', operations: [...READ, ...ACT] },
  gh_dev_viewer: { id: 'p-vera', name: 'Vera Viewer', email: 'vera@x', role: 'viewer', operations: READ },
} as const;
export type TestKey = keyof typeof PRINCIPALS;

export type { Answer, Handlers, RecordedRequest } from '../../../test/graphql-stub.js';
export { gqlError } from '../../../test/graphql-stub.js';

export function stubApi(handlers: Handlers): RecordedRequest[] {
  return stubGraphQL((apiKey) => PRINCIPALS[apiKey as TestKey], handlers);
}

export function renderQueue(path: string, apiKey: TestKey = 'gh_dev_reviewer'): RenderResult {
  return renderAt({ path, apiKey, routes: { '/exceptions': <ExceptionQueuePage />, '/exceptions/:exceptionId': <ExceptionQueuePage /> } });
}

const MIN = 60_000;
const ago = (minutes: number) => new Date(Date.now() - minutes * MIN).toISOString();

export interface ItemOptions {
  id: string;
  ref: string;
  minutesOld: number;
  dueInMinutes: number | null;
  status?: 'open' | 'claimed' | 'resolved';
  assignee?: { id: string; name: string; email?: string } | null;
  reason?: string;
}

export function queueItem(o: ItemOptions) {
  return {
    id: o.id,
    reason: o.reason ?? 'low_confidence',
    status: o.status ?? (o.assignee ? 'claimed' : 'open'),
    stepId: 'check',
    createdAt: ago(o.minutesOld),
    dueAt: o.dueInMinutes === null ? null : new Date(Date.now() + o.dueInMinutes * MIN).toISOString(),
    slaState: null,
    workflow: { key: 'support-triage', name: 'Support ticket triage' },
    run: { id: `run-${o.id}`, externalRef: o.ref },
    assignee: o.assignee ? { id: o.assignee.id, name: o.assignee.name } : null,
  };
}

export const OUTPUT_SCHEMA = {
  type: 'object',
  required: ['label', 'confidence'],
  properties: { label: { enum: ['refund', 'outage', 'how_to', 'other'] }, confidence: { type: 'number' } },
};

export function detailItem(o: ItemOptions) {
  const base = queueItem(o);
  return {
    ...base,
    details: { confidence: 0.4, threshold: 0.6 },
    claimedAt: o.assignee ? ago(1) : null,
    stepOutputSchema: OUTPUT_SCHEMA,
    runbookSection: { heading: 'Exception: low_confidence', markdown: 'Read the ticket.\n\n1. Set the label.\n2. Or hand off to `tier2`.' } as { heading: string; markdown: string } | null,
    resolution: null,
    resolutionNote: null,
    resolutionOutput: null,
    handOffTo: null,
    resolvedAt: null,
    resolvedBy: null,
    assignee: o.assignee ? { id: o.assignee.id, name: o.assignee.name, email: o.assignee.email ?? 'x@x' } : null,
    run: {
      id: `run-${o.id}`,
      status: 'in_exception',
      externalRef: o.ref,
      version: 1,
      input: { ticketId: o.ref, message: 'Something odd happened with my account.' },
      steps: [
        { id: `a1-${o.id}`, stepId: 'classify', stepKind: 'rules', attempt: 1, status: 'succeeded', input: { message: 'Something odd' }, output: { label: 'other', confidence: 0.4, reply: 'Hello, thanks for reaching out.' }, error: null, confidence: 0.4, latencyMs: 2, startedAt: ago(o.minutesOld) },
        { id: `a2-${o.id}`, stepId: 'check', stepKind: 'validate', attempt: 1, status: 'failed', input: { source: null }, output: null, error: { message: 'Confidence 0.4 is below the threshold 0.6.' }, confidence: null, latencyMs: 1, startedAt: ago(o.minutesOld) },
      ],
    },
  };
}

export const RITA = { id: 'p-rita', name: 'Rita Reviewer', email: 'rita@gatehouse.dev' };
export const RAFAEL = { id: 'p-rafael', name: 'Rafael Reviewer' };
