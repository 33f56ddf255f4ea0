import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { promotion, workflowDetail } from '../test/fixtures.js';
import { renderWithApi, type StubHandler } from '../test/stub-api.js';
import { WorkflowPage } from './workflow-page.js';

afterEach(() => vi.unstubAllGlobals());

function renderPage(role: 'owner' | 'viewer' = 'owner', handlers: Record<string, StubHandler> = {}, myId = 'p-owner') {
  return renderWithApi({
    path: '/workflows/support-triage',
    route: '/workflows/:workflowKey',
    element: <WorkflowPage />,
    role,
    myId,
    handlers: { ConsoleWorkflow: () => ({ data: workflowDetail() }), ConsoleWorkflowPromotion: () => ({ data: promotion() }), ...handlers },
  });
}

describe('workflow page', () => {
  it('shows the five clarity points, versions with author and approver, and a diff between versions', async () => {
    renderPage();
    expect(await screen.findByRole('heading', { level: 1, name: 'Support ticket triage' })).toBeTruthy();
    for (const title of ['1. Operational outcome', '2. Boundary', '3. Approval points', '4. Exception paths', '5. Named owners']) {
      expect(screen.getByRole('heading', { level: 3, name: title })).toBeTruthy();
    }
    expect(screen.getByText('Tickets get a correct first answer fast')).toBeTruthy();
    expect(screen.getByText('Oscar Approver (oscar@gatehouse.dev)')).toBeTruthy();

    const versions = screen.getByRole('table', { name: /2 versions/ });
    const v1 = within(versions).getAllByRole('row').find((r) => r.getAttribute('data-version') === '1')!;
    expect(within(v1).getByText('Published')).toBeTruthy();
    expect(within(v1).getByText('Olive Owner')).toBeTruthy();
    expect(within(v1).getByText('Oscar Approver')).toBeTruthy();

    const diff = screen.getByRole('table', { name: '1 change from v1 to v2' });
    const row = within(diff).getAllByRole('row')[1]!;
    expect(within(row).getAllByRole('cell').map((c) => c.textContent)).toEqual(['Changed', 'approvalPolicy.minConfidence', '0.6', '0.75']);
    // Comparing a version with itself says so instead of an empty table.
    fireEvent.change(screen.getByLabelText('From'), { target: { value: '2' } });
    expect(screen.getByText('Choose two different versions.')).toBeTruthy();
  });

  it("shows the shown version's runbook and what it lacks; the propose form sends a runbook", async () => {
    const proposed: Record<string, unknown>[] = [];
    renderPage('owner', {
      ConsoleWorkflow: () => ({ data: workflowDetail({ versions: [workflowDetail().workflow.versions[0]!] }) }),
      ConsoleProposeWorkflowVersion: (v) => {
        proposed.push(v);
        return { data: { proposeWorkflowVersion: { version: 3, status: 'proposed' } } };
      },
    });
    const section = within(await screen.findByRole('region', { name: 'Runbook' }));
    expect(section.getByRole('status').textContent).toContain('The runbook of v2 (proposed) lacks 3 required sections');
    expect(section.getAllByRole('listitem').map((li) => li.querySelector('code')?.textContent)).toEqual(['## Overview', '## Contacts', '## Exception: low_confidence']);
    expect(section.getByText('No runbook')).toBeTruthy();

    fireEvent.change(screen.getByLabelText('Runbook (Markdown)'), { target: { value: '## Overview\n\nTriage.' } });
    fireEvent.click(screen.getByRole('button', { name: 'Propose version' }));
    await screen.findByText(/v3 proposed/);
    expect(proposed[0]).toMatchObject({ key: 'support-triage', runbook: '## Overview\n\nTriage.' });
  });

  it('pauses only through a confirmation that requires a reason; Escape closes it and returns focus', async () => {
    const user = userEvent.setup();
    const pause = vi.fn<StubHandler>(() => ({ data: { pauseWorkflow: { key: 'support-triage', paused: true, pausedReason: 'Vendor outage' } } }));
    const { requests } = renderPage('owner', { ConsolePauseWorkflow: pause });
    const pauseButton = await screen.findByRole('button', { name: 'Pause workflow' });

    await user.click(pauseButton);
    let dialog = screen.getByRole('dialog', { name: 'Pause Support ticket triage?' });
    expect(dialog.getAttribute('aria-modal')).toBe('true');
    expect(document.activeElement).toBe(within(dialog).getByLabelText('Reason (required)'));
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(pauseButton);

    await user.click(pauseButton);
    dialog = screen.getByRole('dialog');
    await user.click(within(dialog).getByRole('button', { name: 'Pause' }));
    expect(within(dialog).getByRole('alert').textContent).toContain('Give a reason');
    expect(pause).not.toHaveBeenCalled();

    // Tab stays inside the dialog.
    within(dialog).getByRole('button', { name: 'Cancel' }).focus();
    await user.tab();
    expect(dialog.contains(document.activeElement)).toBe(true);

    await user.type(within(dialog).getByLabelText('Reason (required)'), 'Vendor outage');
    await user.click(within(dialog).getByRole('button', { name: 'Pause' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(requests.find((r) => r.operation === 'ConsolePauseWorkflow')?.variables).toEqual({ key: 'support-triage', reason: 'Vendor outage' });
  });

  it('the promotion panel shows measured agreement with n and threshold, what is missing, and the API refusal', async () => {
    const user = userEvent.setup();
    const refusal = 'Promotion of "support-triage" from shadow to draft refused: only 2 judged human outcomes recorded; 20 needed. An admin may override with a reason.';
    const { requests } = renderPage('owner', { ConsoleSetRolloutStage: () => ({ error: { message: refusal, code: 'PRECONDITION_FAILED' } }) });
    expect(await screen.findByRole('heading', { name: 'Promotion to Draft: not yet allowed' })).toBeTruthy();
    expect(screen.getByTestId('promotion-agreement').textContent).toBe('100% (2 of 2 agreed) — n = 2, needs ≥ 20 at ≥ 90% ✕');
    const missing = screen.getByRole('list', { name: 'Still missing for the promotion' });
    expect(within(missing).getAllByRole('listitem').map((li) => li.textContent)).toEqual([
      '✕ only 2 judged human outcomes recorded; 20 needed',
      "✕ the change approver's sign-off for draft is missing (missing)",
    ]);
    expect(requests.find((r) => r.operation === 'ConsoleWorkflowPromotion')?.variables).toEqual({ key: 'support-triage', toStage: 'draft' });

    await user.click(screen.getByRole('button', { name: 'Promote to Draft' }));
    const dialog = screen.getByRole('dialog');
    await user.type(within(dialog).getByLabelText('Reason (required)'), 'Pilot went well');
    await user.click(within(dialog).getByRole('button', { name: 'Promote' }));
    const alert = await within(dialog).findByText(refusal);
    expect(alert).toBeTruthy();
    expect(within(dialog).getByText('PRECONDITION_FAILED')).toBeTruthy();
  });

  it('publishing a version that is refused lists what is missing', async () => {
    const user = userEvent.setup();
    const approved = workflowDetail();
    approved.workflow.versions[0]!.status = 'approved';
    renderPage('owner', {
      ConsoleWorkflow: () => ({ data: approved }),
      ConsolePublishWorkflowVersion: () => ({
        error: { message: 'Version 2 cannot be published: 1 clarity item missing.', code: 'PRECONDITION_FAILED', details: { missing: [{ point: 'outcome', item: 'outcome.targetMetric', message: 'Name the target metric.' }] } },
      }),
    });
    await user.click(await screen.findByRole('button', { name: 'Publish v2' }));
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Publish' }));
    expect(await screen.findByText('Name the target metric.')).toBeTruthy();
    expect(screen.getByText('outcome.targetMetric')).toBeTruthy();
  });

  it('the author cannot approve their own version: the control says why', async () => {
    renderPage('owner');
    const approve = await screen.findByRole('button', { name: 'Approve v2' });
    expect(approve.getAttribute('aria-disabled')).toBe('true');
    expect(approve.getAttribute('title')).toBe('You authored this version; the change approver decides it.');
  });

  it('a viewer sees the workflow but no action controls', async () => {
    renderPage('viewer', {}, 'p-viewer');
    expect(await screen.findByRole('heading', { level: 1, name: 'Support ticket triage' })).toBeTruthy();
    expect(await screen.findByText(/n = 2/)).toBeTruthy();
    const buttons = screen.queryAllByRole('button').map((b) => b.textContent);
    expect(buttons.filter((b) => /Pause|Resume|Promote|Demote|Approve|Reject|Publish|Roll back|Propose|Sign off|readiness assessment/.test(b ?? ''))).toEqual([]);
    expect(screen.queryByRole('columnheader', { name: 'Actions' })).toBeNull();
    expect(screen.queryByRole('heading', { name: 'Propose a new version' })).toBeNull();
  });
});
