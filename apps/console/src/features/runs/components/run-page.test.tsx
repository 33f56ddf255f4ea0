import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type Handlers, type TestKey, renderRoute, stubApi } from '../test/render-with-api.js';
import { AUDIT, RUN_ID, runNode } from '../test/run-fixtures.js';
import { RunPage } from './run-page.js';

afterEach(() => vi.unstubAllGlobals());

function handlers(run = runNode(), extra: Handlers = {}): Handlers {
  return { ConsoleRun: () => ({ data: { run } }), ConsoleRunAudit: () => ({ data: AUDIT }), ...extra };
}

function open(apiKey: TestKey = 'gh_dev_viewer') {
  return renderRoute({ path: `/runs/${RUN_ID}`, route: '/runs/:runId', element: <RunPage />, apiKey });
}

async function timelineEntries() {
  const timeline = await screen.findByRole('region', { name: 'Timeline' });
  await within(timeline).findByText('run.completed');
  return within(timeline)
    .getAllByRole('listitem')
    .map((li) => li.querySelector('[data-step-id]')?.getAttribute('data-step-id') ?? li.querySelector('[data-audit-action]')?.getAttribute('data-audit-action'));
}

describe('run page', () => {
  it('heads the trace with workflow and version, mode, status, reference and times', async () => {
    stubApi(handlers());
    open();
    expect(await screen.findByRole('heading', { level: 1, name: 'Run T-1002' })).toBeTruthy();
    expect(screen.getByText(/Support ticket triage v1 · execute mode/)).toBeTruthy();
    const facts = screen.getByText('Status').closest('dl')!;
    expect(facts.textContent).toContain('Completed');
    expect(facts.textContent).toContain('T-1002');
    expect(facts.textContent).toContain('2.0 s');
    expect(within(facts).getAllByRole('time').map((t) => t.getAttribute('datetime'))).toEqual([
      '2024-01-01T10:00:00.000Z',
      '2024-01-01T10:00:02.000Z',
    ]);
  });

  it('interleaves the audit events with the step attempts by time', async () => {
    const requests = stubApi(handlers());
    open();
    expect(await timelineEntries()).toEqual([
      'run.created',
      'run.started',
      'classify',
      'check',
      'run.advanced',
      'branch',
      'send-article',
      'run.completed',
    ]);
    expect(requests.find((r) => r.operation === 'ConsoleRunAudit')?.variables).toEqual({ subjectId: RUN_ID, first: 100 });
  });

  it('shows provider, model, tokens, cost, latency and confidence per step, and its JSON on demand', async () => {
    stubApi(handlers());
    const user = userEvent.setup();
    open();
    await timelineEntries();
    const classify = screen.getByRole('heading', { level: 3, name: /classify/ }).closest('[data-step-id]') as HTMLElement;
    const figures = classify.querySelector('dl')!;
    expect(figures.textContent).toContain('openai');
    expect(figures.textContent).toContain('gpt-x');
    expect(figures.textContent).toContain('120 in / 30 out');
    expect(figures.textContent).toContain('$0.00420');
    expect(figures.textContent).toContain('1.3 s');
    expect(figures.textContent).toContain('80%');
    const toggle = within(classify).getByRole('button', { name: /Show input and output/ });
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    await user.click(toggle);
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    expect(JSON.parse(within(classify).getByRole('figure', { name: 'Input' }).querySelector('pre')!.textContent!)).toEqual({ from: 'classify' });
  });

  it('links its approvals and exceptions to their screens', async () => {
    stubApi(handlers());
    open();
    await screen.findByRole('heading', { level: 1, name: 'Run T-1002' });
    expect(screen.getByRole('link', { name: /send_reply/ }).getAttribute('href')).toBe('/approvals/ap-1');
    expect(screen.getByRole('link', { name: /low confidence on check/ }).getAttribute('href')).toBe('/exceptions/ex-1');
  });

  it('says what privacy redaction replaced in a step, and that purged payloads were purged', async () => {
    const base = runNode();
    const [first, ...rest] = base.steps;
    const steps = [
      { ...first!, redactions: { total: 3, paths: ['$.iban'], detectors: [{ detector: 'email', count: 1 }, { detector: 'card', count: 1 }, { detector: 'phone', count: 0 }] } },
      ...rest.map((st) => ({ ...st, input: null, output: null, payloadPurgedAt: '2024-04-01T00:00:00.000Z' })),
    ];
    const user = userEvent.setup();
    stubApi(handlers(runNode({ steps })));
    open();
    await screen.findByRole('heading', { level: 1, name: 'Run T-1002' });
    const classify = screen.getByRole('heading', { level: 3, name: /classify/ }).closest('[data-step-id]') as HTMLElement;
    expect(classify.textContent).toContain('3 values redacted before storage: email ×1; card ×1; path $.iban');
    const other = screen.getByRole('heading', { level: 3, name: new RegExp(rest[0]!.stepId) }).closest('[data-step-id]') as HTMLElement;
    expect(other.textContent).not.toContain('redacted');
    await user.click(within(other).getByRole('button', { name: /Show input and output/ }));
    expect(other.textContent).toContain('purged by the retention policy');
    expect(within(other).queryByRole('figure', { name: 'Input' })).toBeNull();
  });

  it('says how often a run was re-opened (rework)', async () => {
    stubApi(handlers(runNode({ status: 'in_exception', finishedAt: null, reopenCount: 2, reopenedAt: '2024-01-02T09:00:00.000Z' })));
    open();
    await screen.findByRole('heading', { level: 1, name: 'Run T-1002' });
    const status = screen.getByText('Status').closest('div')!;
    expect(status.textContent).toContain('re-opened 2 times, last');
    expect(status.querySelector('time')?.getAttribute('dateTime')).toBe('2024-01-02T09:00:00.000Z');
  });

  it('a viewer sees no cancel or re-open controls', async () => {
    stubApi(handlers(runNode({ status: 'waiting_approval', finishedAt: null })));
    open('gh_dev_viewer');
    await timelineEntries();
    expect(screen.queryByRole('button', { name: /Cancel run|Re-open run/ })).toBeNull();
  });

  it('cancels an unfinished run with a required reason (roles that may)', async () => {
    const requests = stubApi(
      handlers(runNode({ status: 'waiting_approval', finishedAt: null }), {
        ConsoleCancelRun: () => ({ data: { cancelRun: { id: RUN_ID, status: 'cancelled' } } }),
      }),
    );
    const user = userEvent.setup();
    open('gh_dev_owner');
    await user.click(await screen.findByRole('button', { name: 'Cancel run…' }));
    const form = screen.getByRole('form', { name: 'Cancel this run' });
    expect(document.activeElement).toBe(within(form).getByLabelText('Reason (required)'));
    await user.click(within(form).getByRole('button', { name: 'Cancel run' }));
    expect(within(form).getByText(/Say why/)).toBeTruthy();
    expect(requests.some((r) => r.operation === 'ConsoleCancelRun')).toBe(false);
    await user.type(within(form).getByLabelText('Reason (required)'), 'Customer withdrew');
    await user.click(within(form).getByRole('button', { name: 'Cancel run' }));
    await waitFor(() =>
      expect(requests.find((r) => r.operation === 'ConsoleCancelRun')?.variables).toEqual({ runId: RUN_ID, reason: 'Customer withdrew' }),
    );
  });

  it('offers re-open on a completed run to a reviewer, and cancel only to roles with cancelRun', async () => {
    const requests = stubApi(handlers(runNode(), { ConsoleReopenRun: () => ({ data: { reopenRun: { id: RUN_ID, status: 'in_exception' } } }) }));
    const user = userEvent.setup();
    open('gh_dev_reviewer');
    await user.click(await screen.findByRole('button', { name: 'Re-open run…' }));
    expect(screen.queryByRole('button', { name: 'Cancel run…' })).toBeNull();
    await user.type(screen.getByLabelText('Reason (required)'), 'Wrong article sent');
    await user.click(screen.getByRole('button', { name: 'Re-open run' }));
    await waitFor(() =>
      expect(requests.find((r) => r.operation === 'ConsoleReopenRun')?.variables).toEqual({ runId: RUN_ID, reason: 'Wrong article sent' }),
    );
  });

  it('for an integrator, who may not read the audit trail, shows the steps without asking for it', async () => {
    const requests = stubApi(handlers());
    open('gh_dev_integrator');
    expect(await screen.findByText(/cannot read the audit trail/)).toBeTruthy();
    expect(screen.getAllByRole('heading', { level: 3 })).toHaveLength(4);
    expect(requests.some((r) => r.operation === 'ConsoleRunAudit')).toBe(false);
  });

  it("shows the API's message for an unknown run", async () => {
    stubApi({ ConsoleRun: () => ({ errors: [{ message: `No run with id ${RUN_ID}.`, extensions: { code: 'NOT_FOUND' } }] }) });
    open();
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain(`No run with id ${RUN_ID}.`);
    expect(alert.textContent).toContain('NOT_FOUND');
  });
});
