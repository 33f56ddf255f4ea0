import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type Handlers, gqlError, renderRoute, stubApi } from '../../runs/test/render-with-api.js';
import { PROPOSED, approvalNode, approvalsConnection } from '../test/approval-fixtures.js';
import { ApprovalsPage } from './approvals-page.js';

afterEach(() => vi.unstubAllGlobals());

const WORKFLOWS = { data: { workflows: [{ key: 'support-triage', name: 'Support ticket triage' }] } };

function handlers(approval = approvalNode(), extra: Handlers = {}): Handlers {
  return {
    ConsoleApprovals: () => ({ data: approvalsConnection([approval]) }),
    ConsoleApproval: () => ({ data: { approval } }),
    ConsoleRunWorkflowOptions: () => WORKFLOWS,
    ...extra,
  };
}

function openApproval(apiKey: 'gh_dev_reviewer' | 'gh_dev_viewer' = 'gh_dev_reviewer', path = '/approvals/a-1') {
  return renderRoute({ path, route: '/approvals/:approvalId?', element: <ApprovalsPage />, apiKey });
}

async function detail() {
  return within(await screen.findByRole('article', { name: /send_reply/ }));
}

describe('approvals inbox', () => {
  it('lists pending approvals by default with action, workflow, run, requester, age and due time', async () => {
    const requests = stubApi(handlers());
    openApproval('gh_dev_reviewer', '/approvals');
    const table = await screen.findByRole('table', { name: /Pending approvals/ });
    const row = within(table).getAllByRole('row')[1]!;
    expect(row.textContent).toContain('send_reply');
    expect(row.textContent).toContain('customer impacting');
    expect(row.textContent).toContain('Support ticket triage');
    expect(row.textContent).toContain('T-1001');
    expect(row.textContent).toContain('Ivy Integrator');
    expect(within(row).getAllByRole('time').map((t) => t.textContent)).toEqual(['5 min', 'in 55 min']);
    expect(requests.find((r) => r.operation === 'ConsoleApprovals')?.variables).toEqual({ filter: { statuses: ['pending'] }, first: 50, after: null });
    expect(screen.getByRole('region', { name: 'No approval open' })).toBeTruthy();
  });

  it('filters by status and workflow through the query variables', async () => {
    const requests = stubApi(handlers());
    openApproval('gh_dev_reviewer', '/approvals');
    await screen.findByRole('table');
    fireEvent.change(screen.getByLabelText('Status'), { target: { value: 'approved' } });
    await screen.findByRole('option', { name: 'Support ticket triage' });
    fireEvent.change(screen.getByLabelText('Workflow'), { target: { value: 'support-triage' } });
    await waitFor(() =>
      expect(requests.filter((r) => r.operation === 'ConsoleApprovals').at(-1)?.variables).toEqual({
        filter: { statuses: ['approved'], workflowKey: 'support-triage' },
        first: 50,
        after: null,
      }),
    );
    expect(screen.getByTestId('location').textContent).toBe('/approvals?status=approved&workflow=support-triage');
  });

  it('the detail shows the proposed action, its arguments (the AI draft) and links to the run', async () => {
    stubApi(handlers());
    openApproval();
    const d = await detail();
    expect(d.getByRole('heading', { level: 2 }).textContent).toContain('send_reply');
    expect(d.getByText(/with these arguments \(the AI draft\)/)).toBeTruthy();
    const draft = d.getByRole('figure', { name: 'AI draft (proposed arguments)' });
    expect(JSON.parse(draft.querySelector('pre')!.textContent!)).toEqual(PROPOSED);
    expect(d.getByRole('link', { name: 'T-1001' }).getAttribute('href')).toBe('/runs/r-1');
    // The detail takes focus when it opens.
    await waitFor(() => expect(document.activeElement).toBe(d.getByRole('heading', { level: 2 })));
  });

  it("shows the runbook section for the approval's step beside it, or says there is none", async () => {
    stubApi(handlers());
    const { unmount } = openApproval();
    const runbook = (await detail()).getByRole('region', { name: 'Runbook: Approval: reply' });
    expect(within(runbook).getByText('reply wording').tagName).toBe('STRONG');
    unmount();
    stubApi(handlers(approvalNode({ runbookSection: null })));
    openApproval();
    expect((await detail()).getByRole('region', { name: 'Runbook' }).textContent).toContain('No runbook section for approvals of step “reply”.');
  });

  it('an irreversible action needing two approvers shows how many have approved, and who', async () => {
    const approval = approvalNode({
      actionClass: 'irreversible',
      requiredApprovals: 2,
      approvalCount: 1,
      decisions: [
        { id: 'd-0', round: 1, decision: 'approve', reason: null, decidedAt: '2024-01-01T09:00:00.000Z', decidedBy: { id: 'p-olive', name: 'Olive Owner' } },
        { id: 'd-1', round: 2, decision: 'approve', reason: 'Checked the account', decidedAt: '2024-01-01T10:00:00.000Z', decidedBy: { id: 'p-oscar', name: 'Oscar Approver' } },
      ],
    });
    stubApi(handlers(approval));
    openApproval();
    const d = await detail();
    expect(d.getByText('Needs').nextElementSibling!.textContent).toContain('2 different approvers (irreversible action)');
    const sofar = d.getByText('Approvals so far').nextElementSibling!;
    expect(sofar.textContent).toMatch(/^1 of 2/);
    const items = within(sofar as HTMLElement).getAllByRole('listitem').map((li) => li.textContent);
    expect(items[0]).toContain('Olive Owner');
    expect(items[0]).toContain('an earlier round: an edit reset the count');
    expect(items[1]).toContain('Oscar Approver');
    expect(items[1]).toContain('Checked the account');
    expect(items[1]).not.toContain('earlier round');
  });

  it('a single-approver approval shows no count', async () => {
    stubApi(handlers());
    openApproval();
    const d = await detail();
    expect(d.queryByText('Approvals so far')).toBeNull();
  });

  it('approves with an optional reason and says what happens next', async () => {
    const requests = stubApi(
      handlers(approvalNode(), {
        ConsoleDecideApproval: () => ({ data: { decideApproval: { id: 'a-1', status: 'approved', decision: 'approve', reason: 'ok', run: { id: 'r-1', status: 'queued' } } } }),
      }),
    );
    const user = userEvent.setup();
    openApproval();
    const d = await detail();
    await user.type(d.getByLabelText('Reason (optional)'), 'Customer was double charged');
    await user.click(d.getByRole('button', { name: 'Approve' }));
    expect(await screen.findByText(/^Approved\. The run continues/)).toBeTruthy();
    expect(requests.find((r) => r.operation === 'ConsoleDecideApproval')?.variables).toEqual({
      approvalId: 'a-1',
      decision: 'approve',
      reason: 'Customer was double charged',
    });
  });

  it('edit-and-approve shows the edit as a readable diff against the draft, validates the JSON, and sends the edit', async () => {
    const requests = stubApi(
      handlers(approvalNode(), {
        ConsoleDecideApproval: () => ({ data: { decideApproval: { id: 'a-1', status: 'approved', decision: 'edit_and_approve', reason: 'x', run: { id: 'r-1', status: 'queued' } } } }),
      }),
    );
    const user = userEvent.setup();
    openApproval();
    const d = await detail();
    await user.click(d.getByLabelText('Edit, then approve'));
    const editor = d.getByLabelText('Edited proposal (JSON)') as HTMLTextAreaElement;
    expect(JSON.parse(editor.value)).toEqual(PROPOSED);
    expect(d.getByText('No changes: the edit is identical to the AI draft.')).toBeTruthy();

    // Broken JSON: explained, marked invalid, nothing sent.
    fireEvent.change(editor, { target: { value: '{"label": "refund",' } });
    expect(d.getByText(/^Not valid JSON/)).toBeTruthy();
    expect(editor.getAttribute('aria-invalid')).toBe('true');
    await user.type(d.getByLabelText('Reason (required)'), 'Warmer tone');
    await user.click(d.getByRole('button', { name: 'Approve with edits' }));
    expect(requests.some((r) => r.operation === 'ConsoleDecideApproval')).toBe(false);
    expect(document.activeElement).toBe(editor);

    const edited = { ...PROPOSED, text: 'Hi Sam, your refund is on its way.', tags: ['billing', 'vip'], priority: 'high' };
    delete (edited as Partial<typeof PROPOSED>).confidence;
    fireEvent.change(editor, { target: { value: JSON.stringify(edited, null, 2) } });
    const diff = d.getByRole('table', { name: /Your edit against the AI draft: 4 changes/ });
    const rows = within(diff)
      .getAllByRole('row')
      .slice(1)
      .map((row) => Array.from(row.children).map((cell) => cell.textContent?.trim()));
    // The kind of change is written out, not only coloured.
    expect(rows).toEqual(
      expect.arrayContaining([
        ['~ Changed', 'text', JSON.stringify(PROPOSED.text), JSON.stringify(edited.text)],
        ['− Removed', 'confidence', '0.92', '—'],
        ['+ Added', 'tags[1]', '—', '"vip"'],
        ['+ Added', 'priority', '—', '"high"'],
      ]),
    );
    expect(Array.from(diff.querySelectorAll('del'), (el) => el.textContent)).toEqual(expect.arrayContaining(['0.92', JSON.stringify(PROPOSED.text)]));
    expect(diff.querySelectorAll('ins')).toHaveLength(3);

    await user.click(d.getByRole('button', { name: 'Approve with edits' }));
    await screen.findByText(/Approved with your edits/);
    expect(requests.find((r) => r.operation === 'ConsoleDecideApproval')?.variables).toEqual({
      approvalId: 'a-1',
      decision: 'edit_and_approve',
      reason: 'Warmer tone',
      editedOutput: edited,
    });
  });

  it('reject needs a reason before anything is sent', async () => {
    const requests = stubApi(handlers());
    const user = userEvent.setup();
    openApproval();
    const d = await detail();
    await user.click(d.getByLabelText('Reject'));
    await user.click(d.getByRole('button', { name: 'Reject' }));
    expect(d.getByText('A reason is required to reject.')).toBeTruthy();
    expect(document.activeElement).toBe(d.getByLabelText('Reason (required)'));
    expect(requests.some((r) => r.operation === 'ConsoleDecideApproval')).toBe(false);
  });

  it('a blocked decision disables the controls and shows the reason next to them', async () => {
    const reason = 'You requested this approval (you started the run); another reviewer must decide it.';
    const requests = stubApi(handlers(approvalNode({ decisionBlockedReason: reason })));
    const user = userEvent.setup();
    openApproval();
    const d = await detail();
    const form = d.getByRole('form', { name: 'Your decision' });
    // Shown as text beside the controls (not only as the button's tooltip).
    const shown = within(form).getByText('You cannot decide this approval.').closest('p');
    expect(shown?.textContent).toContain(reason);
    for (const radio of within(form).getAllByRole('radio')) expect((radio as HTMLInputElement).disabled).toBe(true);
    expect((within(form).getByLabelText('Reason (optional)') as HTMLTextAreaElement).disabled).toBe(true);
    const approve = within(form).getByRole('button', { name: 'Approve' });
    expect(approve.getAttribute('aria-disabled')).toBe('true');
    expect(approve.getAttribute('title')).toBe(reason);
    await user.click(approve);
    expect(requests.some((r) => r.operation === 'ConsoleDecideApproval')).toBe(false);
  });

  it("a second decision shows the API's CONFLICT message", async () => {
    const message = 'Approval a-1 was already approved by someone else; refresh to see the decision.';
    stubApi(handlers(approvalNode(), { ConsoleDecideApproval: () => gqlError(message, 'CONFLICT') }));
    const user = userEvent.setup();
    openApproval();
    const d = await detail();
    await user.click(d.getByRole('button', { name: 'Approve' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Your decision was not recorded');
    expect(alert.textContent).toContain(message);
    expect(alert.textContent).toContain('CONFLICT');
  });

  it('a viewer reads everything but sees no decision controls', async () => {
    stubApi(handlers());
    openApproval('gh_dev_viewer');
    const d = await detail();
    expect(d.getByRole('figure', { name: 'AI draft (proposed arguments)' })).toBeTruthy();
    // Wait for the role to be known, then check no control appeared.
    await screen.findByRole('table', { name: /Pending approvals/ });
    expect(screen.queryByRole('form', { name: 'Your decision' })).toBeNull();
    expect(screen.queryByRole('button', { name: /Approve|Reject/ })).toBeNull();
    expect(screen.queryByRole('radio')).toBeNull();
  });

  it('shows a decided approval with its edit as a diff and no controls', async () => {
    stubApi(
      handlers(
        approvalNode({
          status: 'approved',
          decision: 'edit_and_approve',
          edited: { ...PROPOSED, text: 'Edited' },
          reason: 'Tone',
          decidedAt: new Date().toISOString(),
          decidedBy: { id: 'p-rafael', name: 'Rafael Reviewer' },
          decisionBlockedReason: 'Approval a-1 was already approved by someone else; refresh to see the decision.',
        }),
      ),
    );
    openApproval();
    const d = await detail();
    expect(d.getByRole('table', { name: /The edit against the AI draft: 1 change/ })).toBeTruthy();
    expect(d.getByText(/by Rafael Reviewer/)).toBeTruthy();
    expect(d.getByText('Tone')).toBeTruthy();
    expect(screen.queryByRole('form', { name: 'Your decision' })).toBeNull();
  });

  it('j and k open the next and previous approval, but not while typing', async () => {
    const second = approvalNode({ id: 'a-2', run: { ...approvalNode().run, id: 'r-2', externalRef: 'T-1003' } });
    stubApi({
      ...handlers(),
      ConsoleApprovals: () => ({ data: approvalsConnection([approvalNode(), second]) }),
      ConsoleApproval: (vars) => ({ data: { approval: vars.id === 'a-2' ? second : approvalNode() } }),
    });
    const user = userEvent.setup();
    openApproval('gh_dev_reviewer', '/approvals?status=all');
    await screen.findByRole('table', { name: /^Approvals/ });
    const location = () => screen.getByTestId('location').textContent;
    await user.keyboard('j');
    expect(location()).toBe('/approvals/a-1?status=all');
    await user.keyboard('j');
    expect(location()).toBe('/approvals/a-2?status=all');
    const d = within(await screen.findByRole('article', { name: /send_reply/ }));
    await d.findByRole('link', { name: 'T-1003' });
    await user.type(d.getByLabelText('Reason (optional)'), 'k');
    expect(location()).toBe('/approvals/a-2?status=all');
    (document.activeElement as HTMLElement).blur();
    await user.keyboard('k');
    expect(location()).toBe('/approvals/a-1?status=all');
  });

  it("an unknown approval shows the API's message", async () => {
    stubApi(handlers(approvalNode(), { ConsoleApproval: () => gqlError('No approval with id nope.', 'NOT_FOUND') }));
    openApproval('gh_dev_reviewer', '/approvals/nope');
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('No approval with id nope.');
    expect(alert.textContent).toContain('NOT_FOUND');
  });
});
