import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { promotion, readinessAssessment, signOff, workflowDetail } from '../test/fixtures.js';
import { renderWithApi, type StubHandler } from '../test/stub-api.js';
import { WorkflowPage } from './workflow-page.js';

afterEach(() => vi.unstubAllGlobals());

const SIGN_OFF_MISSING = "the change approver's sign-off for draft is missing (missing)";

function renderPage(role: 'owner' | 'viewer' | 'admin', myId: string, handlers: Record<string, StubHandler> = {}) {
  return renderWithApi({
    path: '/workflows/support-triage',
    route: '/workflows/:workflowKey',
    element: <WorkflowPage />,
    role,
    myId,
    handlers: { ConsoleWorkflow: () => ({ data: workflowDetail() }), ConsoleWorkflowPromotion: () => ({ data: promotion() }), ...handlers },
  });
}

const missingItems = () => within(screen.getByRole('list', { name: 'Still missing for the promotion' })).getAllByRole('listitem').map((li) => li.textContent);
const signOffBlock = () => screen.getByTestId('promotion-sign-off');
const readinessBlock = () => screen.getByTestId('readiness-assessment');

describe('promotion sign-off', () => {
  it('the named change approver signs off with a required note; the panel re-measures and the sign-off leaves the missing list', async () => {
    const user = userEvent.setup();
    let signed = false;
    const signOffHandler = vi.fn<StubHandler>(() => {
      signed = true;
      return { data: { signOffPromotion: { id: 'so-1', toStage: 'draft', expiresAt: '2025-03-09T10:00:00Z' } } };
    });
    const { requests } = renderPage('owner', 'p-approver', {
      ConsoleSignOffPromotion: signOffHandler,
      ConsoleWorkflowPromotion: () =>
        ({ data: signed ? promotion({ signOffState: 'valid', signOff: signOff(), missing: [{ check: 'sample_size', message: 'only 2 judged human outcomes recorded; 20 needed' }] }) : promotion() }),
    });
    const button = await within(await screen.findByTestId('promotion-sign-off')).findByRole('button', { name: 'Sign off promotion to Draft' });
    expect(missingItems()).toContain(`✕ ${SIGN_OFF_MISSING}`);

    await user.click(button);
    const dialog = screen.getByRole('dialog', { name: 'Sign off promotion to Draft' });
    expect(document.activeElement).toBe(within(dialog).getByLabelText('Note (required)'));
    await user.click(within(dialog).getByRole('button', { name: 'Sign off' }));
    expect(within(dialog).getByRole('alert').textContent).toContain('Say what the sign-off rests on');
    expect(signOffHandler).not.toHaveBeenCalled();

    await user.type(within(dialog).getByLabelText('Note (required)'), '  Shadow results reviewed with finance ');
    await user.click(within(dialog).getByRole('button', { name: 'Sign off' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(requests.find((r) => r.operation === 'ConsoleSignOffPromotion')?.variables).toEqual({ key: 'support-triage', toStage: 'draft', note: 'Shadow results reviewed with finance' });

    // The mutation invalidated the queries: the panel shows the sign-off and no longer lists it as missing.
    await within(signOffBlock()).findByText(/Signed off by Oscar Approver on .*, valid until .*: “Shadow results reviewed with finance”/);
    expect(missingItems()).toEqual(['✕ only 2 judged human outcomes recorded; 20 needed']);
    expect(within(signOffBlock()).queryByRole('button')).toBeNull();
  });

  it('shows the API refusal with its message and code, and keeps the dialog open', async () => {
    const user = userEvent.setup();
    const refusal = 'Only the change approver named on workflow "support-triage" (or an admin) can sign off its promotion.';
    renderPage('admin', 'p-admin', { ConsoleSignOffPromotion: () => ({ error: { message: refusal, code: 'FORBIDDEN' } }) });
    // An admin may sign off although not the named approver.
    await user.click(await screen.findByRole('button', { name: 'Sign off promotion to Draft' }));
    const dialog = screen.getByRole('dialog');
    await user.type(within(dialog).getByLabelText('Note (required)'), 'Looks right');
    await user.click(within(dialog).getByRole('button', { name: 'Sign off' }));
    expect(await within(dialog).findByText(refusal)).toBeTruthy();
    expect(within(dialog).getByText('FORBIDDEN')).toBeTruthy();
  });

  it('anyone else (an owner who is not the change approver, a viewer) is told who can sign off, with no control', async () => {
    const { unmount } = renderPage('owner', 'p-owner');
    await screen.findByTestId('promotion-sign-off');
    expect(within(signOffBlock()).getByText('Only Oscar Approver or an admin can sign off.')).toBeTruthy();
    expect(within(signOffBlock()).queryByRole('button')).toBeNull();
    unmount();
    vi.unstubAllGlobals();

    renderPage('viewer', 'p-viewer');
    await screen.findByTestId('promotion-sign-off');
    expect(within(signOffBlock()).getByText(/needs a sign-off from Oscar Approver, the change approver/)).toBeTruthy();
    expect(within(signOffBlock()).queryByRole('button')).toBeNull();
  });

  it('without a named change approver nobody is offered the control', async () => {
    renderPage('admin', 'p-admin', { ConsoleWorkflowPromotion: () => ({ data: { workflow: { ...promotion().workflow, changeApprover: null } } }) });
    await within(await screen.findByTestId('promotion-sign-off')).findByText(/No change approver is named/);
    expect(within(signOffBlock()).queryByRole('button')).toBeNull();
  });
});

describe('readiness assessment', () => {
  it('a viewer reads the latest assessment (score, each criterion, who, when) and gets no form', async () => {
    renderPage('viewer', 'p-viewer', { ConsoleWorkflowPromotion: () => ({ data: promotion({ readiness: readinessAssessment(['realVolume']) }) }) });
    await screen.findByTestId('readiness-assessment');
    expect(within(readinessBlock()).getByTestId('readiness-summary').textContent).toMatch(/^Not ready: 5 of 6 met \(83%\) — assessed by Olive Owner on /);
    expect(within(readinessBlock()).getByText(/Required before promotion to Execute/)).toBeTruthy();
    const rows = within(within(readinessBlock()).getByRole('table')).getAllByRole('row').slice(1);
    expect(rows.map((r) => Array.from(r.querySelectorAll('th, td'), (c) => c.textContent))).toEqual([
      ['Real volume', '✕ Not met', '—'],
      ['Visible drag or rework', '✓ Met', 'Evidence for visibleDragOrRework'],
      ['Understandable failure modes', '✓ Met', 'Evidence for understandableFailureModes'],
      ['Approvals definable', '✓ Met', 'Evidence for approvalsDefinable'],
      ['Measurable outcome', '✓ Met', 'Evidence for outcomeMeasurable'],
      ['Named business owner', '✓ Met', 'Evidence for namedBusinessOwner'],
    ]);
    expect(within(readinessBlock()).queryByRole('button')).toBeNull();
  });

  it('says it is required when the next promotion is to execute', async () => {
    renderPage('viewer', 'p-viewer', {
      ConsoleWorkflow: () => ({ data: workflowDetail({ rolloutStage: 'draft' }) }),
      ConsoleWorkflowPromotion: () => ({
        data: promotion({ from: 'draft', to: 'execute', readinessRequired: true, missing: [{ check: 'readiness', message: 'no readiness assessment has been recorded' }] }),
      }),
    });
    await screen.findByTestId('readiness-assessment');
    expect(within(readinessBlock()).getByText(/Required for this promotion: all six criteria must be met/)).toBeTruthy();
    expect(within(readinessBlock()).getByTestId('readiness-summary').textContent).toBe('No readiness assessment recorded yet.');
    expect(missingItems()).toEqual(['✕ no readiness assessment has been recorded']);
  });

  it('an owner records all six criteria: each needs an answer and evidence when met; the exact input is sent and the panel refreshes', async () => {
    const user = userEvent.setup();
    let assessed = false;
    const assess = vi.fn<StubHandler>(() => {
      assessed = true;
      return { data: { assessReadiness: { id: 'ra-1', metCount: 5, ready: false } } };
    });
    const { requests } = renderPage('owner', 'p-owner', {
      ConsoleAssessReadiness: assess,
      ConsoleWorkflowPromotion: () => ({ data: promotion({ readiness: assessed ? readinessAssessment(['realVolume']) : null }) }),
    });
    await user.click(await screen.findByRole('button', { name: 'Record readiness assessment' }));
    const form = screen.getByRole('form', { name: 'Readiness assessment' });
    expect(within(form).getAllByRole('group')).toHaveLength(6);

    // Nothing answered: every criterion says so, nothing is sent.
    await user.click(within(form).getByRole('button', { name: 'Record assessment' }));
    expect(within(form).getAllByText('Choose met or not met.')).toHaveLength(6);
    expect(assess).not.toHaveBeenCalled();

    const criterion = (name: string) => within(form).getByRole('group', { name: new RegExp(`^${name}`) });
    for (const name of ['Visible drag or rework', 'Understandable failure modes', 'Approvals definable', 'Measurable outcome', 'Named business owner']) {
      await user.click(within(criterion(name)).getByLabelText('Met'));
    }
    await user.click(within(criterion('Real volume')).getByLabelText('Not met'));
    await user.click(within(form).getByRole('button', { name: 'Record assessment' }));
    // Met without evidence is refused before it reaches the API, and focus goes to the first such field.
    expect(within(form).getAllByText('Marked met: give the evidence for it.')).toHaveLength(5);
    expect(document.activeElement).toBe(within(form).getByLabelText('Visible drag or rework evidence (required)'));
    expect(assess).not.toHaveBeenCalled();

    await user.type(within(form).getByLabelText('Real volume evidence (optional)'), 'Only 40 invoices a month');
    for (const [name, evidence] of [
      ['Visible drag or rework', 'Two-day backlog every month end'],
      ['Understandable failure modes', 'Wrong GL code, duplicate'],
      ['Approvals definable', 'Finance lead approves > 5k'],
      ['Measurable outcome', 'Cycle time in the ERP'],
      ['Named business owner', 'Fiona, AP lead'],
    ] as const) {
      await user.type(within(form).getByLabelText(`${name} evidence (required)`), evidence);
    }
    await user.click(within(form).getByRole('button', { name: 'Record assessment' }));
    await waitFor(() => expect(assess).toHaveBeenCalledTimes(1));
    expect(requests.find((r) => r.operation === 'ConsoleAssessReadiness')?.variables).toEqual({
      key: 'support-triage',
      input: {
        realVolume: { met: false, evidence: 'Only 40 invoices a month' },
        visibleDragOrRework: { met: true, evidence: 'Two-day backlog every month end' },
        understandableFailureModes: { met: true, evidence: 'Wrong GL code, duplicate' },
        approvalsDefinable: { met: true, evidence: 'Finance lead approves > 5k' },
        outcomeMeasurable: { met: true, evidence: 'Cycle time in the ERP' },
        namedBusinessOwner: { met: true, evidence: 'Fiona, AP lead' },
      },
    });
    expect(await within(readinessBlock()).findByRole('status')).toHaveProperty('textContent', 'Assessment recorded: 5 of 6 met.');
    expect(screen.queryByRole('form', { name: 'Readiness assessment' })).toBeNull();
    await waitFor(() => expect(within(readinessBlock()).getByTestId('readiness-summary').textContent).toMatch(/^Not ready: 5 of 6 met/));
    await waitFor(() => expect(document.activeElement?.textContent).toBe('Record a new readiness assessment'));
  });

  it('shows the API refusal with its message and code and keeps the answers', async () => {
    const user = userEvent.setup();
    const refusal = 'Workflow "support-triage" not found.';
    renderPage('owner', 'p-owner', {
      ConsoleWorkflowPromotion: () => ({ data: promotion({ readiness: readinessAssessment() }) }),
      ConsoleAssessReadiness: () => ({ error: { message: refusal, code: 'NOT_FOUND' } }),
    });
    // A new assessment starts from the latest answers.
    await user.click(await screen.findByRole('button', { name: 'Record a new readiness assessment' }));
    const form = screen.getByRole('form', { name: 'Readiness assessment' });
    expect((within(form).getByLabelText('Real volume evidence (required)') as HTMLTextAreaElement).value).toBe('Evidence for realVolume');
    await user.click(within(form).getByRole('button', { name: 'Record assessment' }));
    expect(await within(form).findByText(refusal)).toBeTruthy();
    expect(within(form).getByText('NOT_FOUND')).toBeTruthy();
    expect(screen.getByRole('form', { name: 'Readiness assessment' })).toBeTruthy();
  });
});
