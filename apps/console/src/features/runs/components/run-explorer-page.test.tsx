import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type Handlers, gqlError, renderRoute, stubApi } from '../test/render-with-api.js';
import { RUN_ID, runNode } from '../test/run-fixtures.js';
import { RunExplorerPage } from './run-explorer-page.js';

afterEach(() => vi.unstubAllGlobals());

function page(nodes: ReturnType<typeof runNode>[], hasNextPage = false, endCursor: string | null = null) {
  return { data: { runs: { edges: nodes.map((node) => ({ cursor: node.id, node })), pageInfo: { hasNextPage, endCursor } } } };
}

const handlers = (runs: Handlers['ConsoleRuns']): Handlers => ({
  ConsoleRuns: runs,
  ConsoleRunWorkflowOptions: () => ({ data: { workflows: [{ key: 'support-triage', name: 'Support ticket triage' }, { key: 'invoice-approval', name: 'Supplier invoice approval' }] } }),
});

function open(path = '/runs') {
  return renderRoute({ path, route: '/runs', element: <RunExplorerPage />, apiKey: 'gh_dev_viewer' });
}

const runsRequests = (requests: ReturnType<typeof stubApi>) => requests.filter((r) => r.operation === 'ConsoleRuns');

describe('run explorer', () => {
  it('lists runs with reference, workflow, status, mode, created and duration', async () => {
    stubApi(handlers(() => page([runNode()])));
    open();
    const table = await screen.findByRole('table', { name: /Runs, newest first/ });
    const headers = within(table).getAllByRole('columnheader').map((h) => h.textContent);
    expect(headers).toEqual(['External reference', 'Workflow', 'Status', 'Mode', 'Created', 'Duration']);
    const row = within(table).getAllByRole('row')[1]!;
    expect(within(row).getByRole('link', { name: 'T-1002' }).getAttribute('href')).toBe(`/runs/${RUN_ID}`);
    expect(row.textContent).toContain('Support ticket triage');
    expect(row.textContent).toContain('Completed');
    expect(row.textContent).toContain('execute');
    expect(row.textContent).toContain('2.0 s');
  });

  it('turns the search form into the query variables and the address bar', async () => {
    const requests = stubApi(handlers(() => page([runNode()])));
    const user = userEvent.setup();
    open();
    await screen.findByRole('table');
    expect(runsRequests(requests)[0]?.variables).toEqual({ filter: {}, first: 25, after: null });

    await user.type(screen.getByLabelText('Run id or external reference'), 'T-1002');
    fireEvent.change(screen.getByLabelText('Status'), { target: { value: 'completed' } });
    await screen.findByRole('option', { name: 'Supplier invoice approval' });
    fireEvent.change(screen.getByLabelText('Workflow'), { target: { value: 'support-triage' } });
    await user.click(screen.getByRole('button', { name: 'Search' }));

    await waitFor(() =>
      expect(runsRequests(requests).at(-1)?.variables).toEqual({
        filter: { externalRef: 'T-1002', statuses: ['completed'], workflowKey: 'support-triage' },
        first: 25,
        after: null,
      }),
    );
    expect(screen.getByTestId('location').textContent).toBe('/runs?ref=T-1002&status=completed&workflow=support-triage');
  });

  it('an exact run id opens that run instead of searching', async () => {
    const requests = stubApi(handlers(() => page([])));
    const user = userEvent.setup();
    open();
    await user.type(screen.getByLabelText('Run id or external reference'), RUN_ID.toUpperCase());
    await user.click(screen.getByRole('button', { name: 'Search' }));
    await waitFor(() => expect(screen.getByTestId('location').textContent).toBe(`/runs/${RUN_ID}`));
    expect(runsRequests(requests).every((r) => (r.variables.filter as Record<string, unknown>).externalRef === undefined)).toBe(true);
  });

  it('pages forward with the end cursor and back again', async () => {
    const requests = stubApi(
      handlers((vars) => (vars.after === 'cursor-1' ? page([runNode({ id: 'r-2', externalRef: 'T-0999' })]) : page([runNode()], true, 'cursor-1'))),
    );
    const user = userEvent.setup();
    open();
    await screen.findByRole('link', { name: 'T-1002' });
    await user.click(screen.getByRole('button', { name: 'Next page' }));
    await screen.findByRole('link', { name: 'T-0999' });
    expect(runsRequests(requests).at(-1)?.variables.after).toBe('cursor-1');
    expect(screen.getByRole('button', { name: 'Next page' }).getAttribute('aria-disabled')).toBe('true');
    await user.click(screen.getByRole('button', { name: 'Previous page' }));
    await screen.findByRole('link', { name: 'T-1002' });
  });

  it('says when nothing matches, and shows API errors with their code', async () => {
    stubApi(handlers(() => page([])));
    const first = open('/runs?ref=NOPE');
    expect(await screen.findByRole('region', { name: 'No runs match' })).toBeTruthy();
    first.unmount();

    stubApi(handlers(() => gqlError('first must be between 1 and 100.', 'BAD_USER_INPUT')));
    open();
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('first must be between 1 and 100.');
    expect(alert.textContent).toContain('BAD_USER_INPUT');
  });
});
