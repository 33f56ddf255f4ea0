import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RAFAEL, RITA, type Handlers, type RecordedRequest, detailItem, gqlError, queueItem, renderQueue, stubApi } from '../test/queue-api.js';

const A = { id: 'x-a', ref: 'T-1001', minutesOld: 300, dueInMinutes: -60 };
const B = { id: 'x-b', ref: 'T-1002', minutesOld: 120, dueInMinutes: 30, assignee: RAFAEL, reason: 'tool_error' };
const C = { id: 'x-c', ref: 'T-1004', minutesOld: 30, dueInMinutes: 200 };
const ALL = [A, B, C];

function handlers(overrides: Handlers = {}, details: Record<string, ReturnType<typeof detailItem>> = {}): Handlers {
  return {
    ConsoleExceptionQueue: () => ({ data: { exceptionQueue: { edges: ALL.map((o) => ({ node: queueItem(o) })), pageInfo: { hasNextPage: false } } } }),
    ConsoleExceptionWorkflowOptions: () => ({ data: { workflows: [{ key: 'support-triage', name: 'Support ticket triage' }, { key: 'invoice-approval', name: 'Supplier invoice approval' }] } }),
    ConsoleException: (v) => {
      const found = details[v.id as string] ?? detailItem(ALL.find((o) => o.id === v.id)!);
      return { data: { exception: found } };
    },
    ...overrides,
  };
}

const location = () => screen.getByTestId('location').textContent;
/** The pane's one-line outcome or hint. */
const notice = () => document.querySelector('.exq-notice')?.textContent ?? null;
const rows = () => screen.getAllByRole('row').slice(1);
const selectedRef = () => rows().find((r) => r.getAttribute('aria-current') === 'true')?.querySelector('a')?.textContent ?? null;
const queueRequests = (requests: RecordedRequest[]) => requests.filter((r) => r.operation === 'ConsoleExceptionQueue');

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('exception queue table', () => {
  it('renders each item with workflow, reason, age, a ticking SLA countdown, assignee and status', async () => {
    stubApi(handlers());
    renderQueue('/exceptions');
    expect(await screen.findByRole('heading', { level: 1, name: 'Exception queue' })).toBeTruthy();
    await screen.findByRole('link', { name: 'T-1001' });
    expect(screen.getAllByRole('columnheader').map((h) => h.textContent)).toEqual(['Item', 'Workflow', 'Reason', 'Age', 'SLA', 'Assignee', 'Status']);

    const [a, b, c] = rows().map((r) => within(r).getAllByRole('cell').map((cell) => cell.textContent));
    expect(a).toEqual(['T-1001 · check', 'Support ticket triage', 'Low confidence', expect.stringMatching(/^(4h 59m|5h 00m)$/), expect.stringMatching(/^⚠Overdue by (59m \d\ds|1h 00m)$/), 'Unassigned', '○Open']);
    expect(b![2]).toBe('Tool error');
    expect(b![4]).toMatch(/^(29m|30m) \d\ds left \(due soon\)$/);
    expect(b![5]).toBe('Rafael Reviewer');
    expect(b![6]).toBe('◐Claimed');
    expect(c![4]).toMatch(/^3h (19|20)m left$/);
    // Overdue is marked beyond colour: a marker and the word.
    expect(rows()[0]!.querySelector('[data-sla="overdue"]')).not.toBeNull();
    expect(screen.getByText(/updated \d+s ago/)).toBeTruthy();
  });

  it('shows an empty state, and the API error with its code when the queue cannot load', async () => {
    stubApi(handlers({ ConsoleExceptionQueue: () => ({ data: { exceptionQueue: { edges: [], pageInfo: { hasNextPage: false } } } }) }));
    const first = renderQueue('/exceptions');
    expect(await screen.findByRole('region', { name: 'The queue is empty' })).toBeTruthy();
    first.unmount();
    vi.unstubAllGlobals();

    stubApi(handlers({ ConsoleExceptionQueue: () => gqlError('Your role (integrator) may not call exceptionQueue.', 'FORBIDDEN') }));
    renderQueue('/exceptions');
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Could not load the queue');
    expect(alert.textContent).toContain('may not call exceptionQueue');
    expect(alert.textContent).toContain('FORBIDDEN');
  });
});

describe('filters', () => {
  it('reads the filters from the URL into the query variables', async () => {
    const requests = stubApi(handlers());
    renderQueue('/exceptions?workflow=support-triage&reason=tool_error&age=60&sla=overdue&assignee=me&sort=due_soonest');
    await screen.findByRole('link', { name: 'T-1001' });
    expect(queueRequests(requests)[0]!.variables).toEqual({
      first: 100,
      orderBy: 'due_soonest',
      filter: { workflowKey: 'support-triage', reasons: ['tool_error'], minAgeMinutes: 60, slaStates: ['overdue'], assignee: 'me' },
    });
    expect((screen.getByLabelText('Sort') as HTMLSelectElement).value).toBe('due_soonest');
    expect((screen.getByLabelText('Assignee') as HTMLSelectElement).value).toBe('me');
  });

  it('writes changed filters to the URL and refetches with them; clearing keeps the sort', async () => {
    const requests = stubApi(handlers());
    renderQueue('/exceptions?sort=newest');
    await screen.findByRole('link', { name: 'T-1001' });
    expect(queueRequests(requests)[0]!.variables).toEqual({ first: 100, orderBy: 'newest', filter: { assignee: 'any' } });

    await screen.findByRole('option', { name: 'Supplier invoice approval' });
    fireEvent.change(screen.getByLabelText('Workflow'), { target: { value: 'invoice-approval' } });
    fireEvent.change(screen.getByLabelText('SLA'), { target: { value: 'due_soon' } });
    fireEvent.change(screen.getByLabelText('Assignee'), { target: { value: 'unassigned' } });
    fireEvent.change(screen.getByLabelText('Age'), { target: { value: '240' } });
    expect(location()).toBe('/exceptions?workflow=invoice-approval&age=240&sla=due_soon&assignee=unassigned&sort=newest');
    await waitFor(() =>
      expect(queueRequests(requests).at(-1)!.variables).toEqual({
        first: 100,
        orderBy: 'newest',
        filter: { workflowKey: 'invoice-approval', minAgeMinutes: 240, slaStates: ['due_soon'], assignee: 'unassigned' },
      }),
    );

    fireEvent.click(screen.getByRole('button', { name: 'Clear filters' }));
    expect(location()).toBe('/exceptions?sort=newest');
  });
});

describe('keyboard', () => {
  it('j/k move the selection, Enter opens the selected item with the filters kept', async () => {
    const requests = stubApi(handlers());
    const user = userEvent.setup();
    renderQueue('/exceptions?assignee=any&sort=oldest');
    await screen.findByRole('link', { name: 'T-1001' });
    expect(selectedRef()).toBeNull();
    await user.keyboard('j');
    expect(selectedRef()).toBe('T-1001');
    await user.keyboard('jjj');
    expect(selectedRef()).toBe('T-1004');
    await user.keyboard('k');
    expect(selectedRef()).toBe('T-1002');
    await user.keyboard('{Enter}');
    expect(location()).toBe('/exceptions/x-b?assignee=any&sort=oldest');
    expect(await screen.findByRole('heading', { level: 2, name: /T-1002/ })).toBeTruthy();
    expect(requests.some((r) => r.operation === 'ConsoleException' && r.variables.id === 'x-b')).toBe(true);
    // Focus moves to the opened item, so the next shortcut acts there.
    await waitFor(() => expect(document.activeElement).toBe(screen.getByRole('heading', { level: 2 })));
  });

  it('never fires while typing in a field or choosing in a select', async () => {
    const requests = stubApi(handlers());
    const user = userEvent.setup();
    renderQueue('/exceptions/x-c');
    await screen.findByRole('heading', { level: 2, name: /T-1004/ });
    await user.click(screen.getByLabelText('Reason'));
    await user.keyboard('jjc');
    expect(selectedRef()).toBe('T-1004');
    expect(requests.filter((r) => r.operation === 'ConsoleClaimException')).toEqual([]);
  });

  it("shows the runbook section for the item's reason beside it, or says there is none", async () => {
    stubApi(handlers({}, { 'x-b': { ...detailItem(B), runbookSection: null } }));
    const { unmount } = renderQueue('/exceptions/x-c');
    const runbook = await screen.findByRole('region', { name: 'Runbook: Exception: low_confidence' });
    expect(within(runbook).getAllByRole('listitem').map((li) => li.textContent)).toEqual(['Set the label.', 'Or hand off to tier2.']);
    unmount();
    renderQueue('/exceptions/x-b');
    expect((await screen.findByRole('region', { name: 'Runbook' })).textContent).toContain('No runbook section for tool error.');
  });

  it('c claims the open item; r and e open the retry and edit forms once it is yours', async () => {
    let held = false;
    const requests = stubApi(
      handlers(
        {
          ConsoleClaimException: (v) => {
            held = true;
            return { data: { claimException: { id: v.id, status: 'claimed', assignee: { id: RITA.id, name: RITA.name } } } };
          },
          ConsoleException: () => ({ data: { exception: detailItem({ ...C, ...(held ? { assignee: RITA } : {}) }) } }),
        },
      ),
    );
    const user = userEvent.setup();
    renderQueue('/exceptions/x-c');
    await screen.findByText('Unclaimed');
    // Not yet held: r explains instead of opening a form.
    await user.keyboard('r');
    expect(notice()).toMatch(/Claim this item first/);
    expect(screen.queryByLabelText('Note (required)')).toBeNull();

    await user.keyboard('c');
    await waitFor(() => expect(requests.find((r) => r.operation === 'ConsoleClaimException')?.variables).toEqual({ id: 'x-c' }));
    expect(await screen.findByText('Claimed by you')).toBeTruthy();

    await user.keyboard('r');
    expect(await screen.findByRole('heading', { level: 3, name: 'Retry the step' })).toBeTruthy();
    expect(document.activeElement).toBe(screen.getByLabelText('Note (required)'));
    // Typing r/e in the note is text, not a shortcut.
    await user.keyboard('re');
    expect((screen.getByLabelText('Note (required)') as HTMLTextAreaElement).value).toBe('re');
    expect(screen.queryByRole('heading', { level: 3, name: 'Edit the output and continue' })).toBeNull();

    await user.keyboard('{Escape}');
    await user.keyboard('e');
    expect(await screen.findByRole('heading', { level: 3, name: 'Edit the output and continue' })).toBeTruthy();
    expect(document.activeElement).toBe(screen.getByLabelText(/Corrected output of step/));
  });
});

describe('edit output and continue', () => {
  it('validates the JSON against the step output schema, lists problems and only submits a valid output with a note', async () => {
    const requests = stubApi(
      handlers({
        ConsoleException: () => ({ data: { exception: detailItem({ ...C, assignee: RITA }) } }),
        ConsoleResolveException: (v) => ({ data: { resolveException: { id: v.id, status: 'resolved', resolution: v.resolution, run: { id: 'run-x-c', status: 'queued' } } } }),
      }),
    );
    const user = userEvent.setup();
    renderQueue('/exceptions/x-c');
    await screen.findByText('Claimed by you');
    await user.click(screen.getByRole('button', { name: /Edit output & continue/ }));

    const editor = screen.getByLabelText(/Corrected output of step “check”/) as HTMLTextAreaElement;
    // Prefilled with the output the failing validate step checked: the classifier's, before it.
    expect(JSON.parse(editor.value)).toEqual({ label: 'other', confidence: 0.4, reply: 'Hello, thanks for reaching out.' });
    const submit = () => screen.getByRole('button', { name: 'Continue with this output' });

    fireEvent.change(editor, { target: { value: '{"label": ' } });
    const problems = () => within(screen.getByRole('list', { name: 'Problems in the output' })).getAllByRole('listitem').map((li) => li.textContent);
    expect(problems()[0]).toMatch(/^Not valid JSON/);
    expect(submit().getAttribute('aria-disabled')).toBe('true');
    expect(editor.getAttribute('aria-invalid')).toBe('true');

    fireEvent.change(editor, { target: { value: '{"label": "banana"}' } });
    expect(problems()).toEqual([
      "(the whole output) must have required property 'confidence'",
      '/label must be equal to one of the allowed values: "refund", "outage", "how_to", "other"',
    ]);
    expect(submit().getAttribute('aria-disabled')).toBe('true');

    fireEvent.change(editor, { target: { value: '{"label": "how_to", "confidence": 0.95}' } });
    expect(screen.queryByRole('list', { name: 'Problems in the output' })).toBeNull();
    expect(screen.getByText('Matches the step’s output schema.')).toBeTruthy();
    // Still no note: refused, with the reason.
    expect(submit().getAttribute('aria-disabled')).toBe('true');
    expect(submit().getAttribute('title')).toMatch(/Write a note/);
    await user.click(submit());
    expect(requests.filter((r) => r.operation === 'ConsoleResolveException')).toEqual([]);

    await user.type(screen.getByLabelText('Note (required)'), 'Customer asks how to do something');
    expect(submit().getAttribute('aria-disabled')).toBeNull();
    await user.click(submit());
    await waitFor(() =>
      expect(requests.find((r) => r.operation === 'ConsoleResolveException')?.variables).toEqual({
        id: 'x-c',
        resolution: 'override_output',
        note: 'Customer asks how to do something',
        output: { label: 'how_to', confidence: 0.95 },
      }),
    );
    await waitFor(() => expect(notice()).toMatch(/Resolved \(override output\)\. The run is now queued\./));
  });

  it('shows the API refusal with its message when the server rejects the output', async () => {
    stubApi(
      handlers({
        ConsoleException: () => ({ data: { exception: detailItem({ ...C, assignee: RITA }) } }),
        ConsoleResolveException: () => gqlError('The override does not match the output schema of step "check": /label must be string', 'BAD_USER_INPUT'),
      }),
    );
    const user = userEvent.setup();
    renderQueue('/exceptions/x-c');
    await screen.findByText('Claimed by you');
    await user.click(screen.getByRole('button', { name: /Retry step/ }));
    await user.type(screen.getByLabelText('Note (required)'), 'Transient');
    await user.click(screen.getByRole('button', { name: 'Retry step' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Could not resolve');
    expect(alert.textContent).toContain('BAD_USER_INPUT');
  });
});

describe('two reviewers on one item', () => {
  it('a claim answered with CONFLICT names who holds the item', async () => {
    let claimedByRita = false;
    stubApi(
      handlers({
        ConsoleClaimException: () => {
          claimedByRita = true;
          return gqlError('Exception x-c is claimed by someone else; ask them to release it or pick another item.', 'CONFLICT', { reason: 'claimed_by_other' });
        },
        // The list still says unassigned; the refetch after the conflict knows better.
        ConsoleException: () => ({ data: { exception: detailItem({ ...C, ...(claimedByRita ? { assignee: RITA } : {}) }) } }),
      }),
    );
    const user = userEvent.setup();
    renderQueue('/exceptions/x-c', 'gh_dev_reviewer2');
    await screen.findByText('Unclaimed');
    await user.click(screen.getByRole('button', { name: /Claim/ }));
    const alert = await screen.findByRole('alert');
    await waitFor(() => expect(alert.textContent).toContain('Claimed by Rita Reviewer'));
    expect(alert.textContent).toContain('claimed by someone else');
    expect(alert.textContent).toContain('CONFLICT');
    expect(screen.getByTestId('exception-holder').textContent).toBe('Claimed by Rita Reviewer');
    // The resolve actions explain why they are unavailable instead of failing on submit.
    expect(screen.getByRole('button', { name: /Retry step/ }).getAttribute('aria-disabled')).toBe('true');
    expect(document.querySelector('.exq-detail__section .exq-hint')?.textContent).toMatch(/Rita Reviewer holds this item; only they may resolve it/);
  });
});

describe('viewer', () => {
  it('reads the queue and the detail but gets no claim or resolve controls, and c does nothing', async () => {
    const requests = stubApi(handlers());
    const user = userEvent.setup();
    renderQueue('/exceptions/x-c', 'gh_dev_viewer');
    expect(await screen.findByRole('heading', { level: 2, name: /T-1004/ })).toBeTruthy();
    expect(screen.getByRole('heading', { level: 3, name: 'Run trace' })).toBeTruthy();
    expect(screen.getByLabelText('Error').textContent).toContain('below the threshold');
    await screen.findByText('Vera Viewer', {}, { timeout: 50 }).catch(() => null);
    expect(screen.queryByRole('button', { name: /Claim/ })).toBeNull();
    expect(screen.queryByRole('button', { name: /Retry step|Edit output|Hand off|Cancel run|Release/ })).toBeNull();
    expect(screen.queryByRole('heading', { name: 'Resolve' })).toBeNull();
    const legend = screen.getByRole('region', { name: 'Keyboard shortcuts' });
    expect(within(legend).getAllByRole('listitem').map((li) => li.textContent)).toEqual(['j next item', 'k previous item', 'Enter open']);
    await user.keyboard('cre');
    expect(requests.filter((r) => r.operation.includes('Claim') || r.operation.includes('Resolve'))).toEqual([]);
  });
});
