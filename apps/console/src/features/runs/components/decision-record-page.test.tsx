import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { gqlError, renderRoute, stubApi, type Handlers } from '../test/render-with-api.js';
import { AUDIT, RUN_ID, runNode } from '../test/run-fixtures.js';
import { DecisionRecordPage } from './decision-record-page.js';
import { RunPage } from './run-page.js';

afterEach(() => vi.unstubAllGlobals());

const person = (name: string, role: string) => ({ id: `p-${role}`, name, role });

/** A decision record document as the API sends it (schemaVersion 1), trimmed to what the page shows. */
function recordDocument() {
  return {
    kind: 'gatehouse.decision-record',
    schemaVersion: 1,
    generatedAt: '2024-01-02T09:00:00.000Z',
    generatedBy: person('Olive Owner', 'owner'),
    workflow: { id: 'w-1', key: 'support-triage', name: 'Support ticket triage', version: 3, versionId: 'v-3' },
    run: { id: RUN_ID, externalRef: 'T-9', status: 'completed', rolloutStage: 'draft', startedBy: person('Ivy Integrator', 'integrator'), createdAt: '2024-01-01T10:00:00.000Z', finishedAt: '2024-01-01T10:05:00.000Z', input: { state: 'purged', purgedAt: '2024-04-01T00:00:00.000Z' }, output: { state: 'recorded', value: { delivered: true } } },
    dataFieldsRead: [{ stepId: 'classify', stepKind: 'rules', source: 'input', sourceStepId: null, pointer: '/message', via: 'field' }],
    steps: [{ stepId: 'summarise', attempt: 1, status: 'succeeded', provider: 'openai', model: 'gpt-4o-mini', promptVersion: 'a1b2', confidence: 0.84, tokensIn: 212, tokensOut: 38, costUsd: 0.000055, latencyMs: 640 }],
    checks: [{ stepId: 'reply', attempt: null, check: 'approval_gate', result: 'passed', detail: '"send_reply" needed 1 approval: approved with an edit.', confidence: null, threshold: null }],
    humanDecisions: [
      { kind: 'approval_decision', at: '2024-01-01T10:03:00.000Z', by: person('Rita Reviewer', 'reviewer'), stepId: 'reply', decision: 'edit_and_approve', reason: 'Warmer tone', edit: { changes: [{ op: 'replace', path: '/reply' }], edited: { state: 'recorded', value: { reply: 'Hi, we confirm to [REDACTED:email].' } } } },
    ],
    finalAction: { outcome: 'executed', action: 'send_reply', idempotencyKey: `${RUN_ID}:reply:2`, detail: `"send_reply" was sent to its receiver with Idempotency-Key ${RUN_ID}:reply:2.`, at: '2024-01-01T10:04:00.000Z' },
    redactions: { policy: { redactPaths: ['$.customerEmail'], detectors: ['email'] }, atStorage: { total: 2 }, atExport: { total: 1 } },
    integrity: { auditEvents: [{ seq: 41, id: 'e-41', action: 'approval.decided', occurredAt: '2024-01-01T10:03:00.000Z', hash: 'ab'.repeat(32) }], howToVerify: 'Run verifyAuditChain.' },
  };
}

function handlers(extra: Handlers = {}): Handlers {
  return {
    ConsoleDecisionRecord: (v) => ({ data: { decisionRecord: { runId: v.runId, schemaVersion: 1, workflowKey: 'support-triage', version: 3, rolloutStage: 'draft', runStatus: 'completed', finalAction: 'executed', generatedAt: '2024-01-02T09:00:00.000Z', document: recordDocument() } } }),
    ...extra,
  };
}

const open = () => renderRoute({ path: `/runs/${RUN_ID}/record`, route: '/runs/:runId/record', element: <DecisionRecordPage />, apiKey: 'gh_dev_owner' });

/** Lets the REST download through while GraphQL stays stubbed; returns the download requests. */
function stubDownload(answer: () => Response): Array<{ url: string; headers: Record<string, string> }> {
  const graphql = globalThis.fetch;
  const downloads: Array<{ url: string; headers: Record<string, string> }> = [];
  vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
    if (!url.startsWith('/runs/')) return graphql(url, init);
    downloads.push({ url, headers: init.headers as Record<string, string> });
    return answer();
  });
  return downloads;
}

describe('decision record page', () => {
  it('reads the record: version and stage, the action taken, who edited what, producers, checks, purged input', async () => {
    const requests = stubApi(handlers());
    open();
    expect(await screen.findByRole('heading', { level: 1, name: 'Decision record: run T-9' })).toBeTruthy();
    expect(requests.find((r) => r.operation === 'ConsoleDecisionRecord')?.variables).toEqual({ runId: RUN_ID });
    expect(screen.getByText(/Support ticket triage v3 · draft stage/)).toBeTruthy();

    const final = screen.getByRole('region', { name: 'Action finally taken' });
    expect(final.textContent).toContain('executed');
    expect(final.textContent).toContain(`${RUN_ID}:reply:2`);

    const people = within(screen.getByRole('region', { name: 'Who approved or changed what' })).getAllByRole('row');
    expect(people[1]!.textContent).toContain('Rita Reviewer (reviewer)');
    expect(people[1]!.textContent).toContain('edit and approve (approval at reply)');
    expect(people[1]!.textContent).toContain('Warmer tone');
    expect(people[1]!.textContent).toContain('Changed replace /reply');
    expect(people[1]!.textContent).toContain('[REDACTED:email]');

    expect(screen.getByRole('region', { name: 'Providers, models and confidence' }).textContent).toContain('openai / gpt-4o-mini');
    expect(screen.getByRole('region', { name: 'Checks' }).textContent).toMatch(/approval gate.*passed/);
    expect(screen.getByRole('region', { name: 'Run input and result' }).textContent).toMatch(/Input:\s*purged by retention/);
    expect(screen.getByRole('region', { name: 'Integrity: audit events' }).textContent).toContain('ab'.repeat(32));
  });

  it('prints with the browser', async () => {
    stubApi(handlers());
    const print = vi.fn();
    vi.stubGlobal('print', print);
    open();
    await userEvent.setup().click(await screen.findByRole('button', { name: 'Print' }));
    expect(print).toHaveBeenCalledOnce();
  });

  it('downloads the JSON with the current credentials and saves it as a file', async () => {
    stubApi(handlers());
    const downloads = stubDownload(() => new Response('{"schemaVersion":1}', { status: 200, headers: { 'content-type': 'application/json' } }));
    const createObjectURL = vi.fn((_blob: Blob) => 'blob:record');
    vi.stubGlobal('URL', Object.assign(URL, { createObjectURL, revokeObjectURL: vi.fn() }));
    const clicked: HTMLAnchorElement[] = [];
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push(this);
    });
    open();
    await userEvent.setup().click(await screen.findByRole('button', { name: 'Download JSON' }));
    await waitFor(() => expect(clicked).toHaveLength(1));
    expect(downloads).toEqual([{ url: `/runs/${RUN_ID}/decision-record.json`, headers: { 'x-api-key': 'gh_dev_owner' } }]);
    expect(clicked[0]!.download).toBe(`decision-record-${RUN_ID}.json`);
    expect(clicked[0]!.href).toBe('blob:record');
    expect(await createObjectURL.mock.calls[0]![0].text()).toBe('{"schemaVersion":1}');
    click.mockRestore();
  });

  it('says why a download was refused', async () => {
    stubApi(handlers());
    stubDownload(() => new Response(JSON.stringify({ errors: [{ message: 'You are not assigned to workflow "support-triage".', extensions: { code: 'FORBIDDEN' } }] }), { status: 403 }));
    open();
    await userEvent.setup().click(await screen.findByRole('button', { name: 'Download JSON' }));
    expect((await screen.findByRole('alert')).textContent).toBe('You are not assigned to workflow "support-triage".');
  });

  it('shows the API\'s refusal instead of a record', async () => {
    stubApi(handlers({ ConsoleDecisionRecord: () => gqlError('The viewer role may not call decisionRecord.', 'FORBIDDEN') }));
    open();
    expect(await screen.findByText('Could not load the decision record')).toBeTruthy();
    expect(screen.getByText(/may not call decisionRecord/)).toBeTruthy();
  });
});

describe('run page link to the decision record', () => {
  const runHandlers: Handlers = { ConsoleRun: () => ({ data: { run: runNode() } }), ConsoleRunAudit: () => ({ data: AUDIT }) };

  it('is shown to roles that may export it, and not to a viewer', async () => {
    stubApi(runHandlers);
    const { unmount } = renderRoute({ path: `/runs/${RUN_ID}`, route: '/runs/:runId', element: <RunPage />, apiKey: 'gh_dev_owner' });
    expect((await screen.findByRole('link', { name: 'Decision record' })).getAttribute('href')).toBe(`/runs/${RUN_ID}/record`);
    unmount();
    renderRoute({ path: `/runs/${RUN_ID}`, route: '/runs/:runId', element: <RunPage />, apiKey: 'gh_dev_viewer' });
    await screen.findByRole('heading', { level: 1, name: 'Run T-1002' });
    expect(screen.queryByRole('link', { name: 'Decision record' })).toBeNull();
  });
});
