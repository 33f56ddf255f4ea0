import { cleanup, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { attachedChallenger, challengerWorkflow } from '../test/fixtures.js';
import { renderWithApi, type StubHandler } from '../test/stub-api.js';
import { ChallengerPanel } from './challenger-panel.js';

afterEach(() => vi.unstubAllGlobals());

function renderPanel(role: 'owner' | 'viewer' | 'admin', handlers: Record<string, StubHandler>) {
  return renderWithApi({ path: '/workflows/support-triage', route: '/workflows/:workflowKey', element: <ChallengerPanel workflowKey="support-triage" />, role, handlers });
}

const cells = (rowName: string) => within(screen.getByRole('row', { name: new RegExp(`^${rowName}`) })).getAllByRole('cell').map((c) => c.textContent);

describe('ChallengerPanel', () => {
  it('shows champion and challenger side by side with their sample sizes, and the gate', async () => {
    renderPanel('viewer', { ConsoleWorkflowChallenger: () => ({ data: { workflow: challengerWorkflow(attachedChallenger()) } }) });
    const panel = await screen.findByTestId('challenger-panel');
    expect(panel.textContent).toContain('v3 shadows 25% of live runs beside the published v1');
    expect(screen.getByRole('table').querySelector('caption')?.textContent).toBe('Side by side on the 42 live runs it shadowed (40 finished)');
    expect(cells('Runs with a result')).toEqual(['41', '40']);
    expect(cells('Failed')).toEqual(['0', '2']);
    expect(cells('Cost per run')).toEqual(['$0.00420', '$0.00110']);
    expect(cells('Step latency p50')).toEqual(['850 ms', '420 ms']);
    expect(screen.getByTestId('challenger-vs-champion').textContent).toBe('90% (36 of 40)');
    expect(screen.getByTestId('challenger-vs-human').textContent).toBe('90% (9 of 10)');
    expect(screen.getByTestId('challenger-gate').textContent).toContain('✓ may switch');
    // A viewer reads; no control is offered.
    expect(within(panel).queryByRole('button')).toBeNull();
  });

  it('switches by publishing the challenger when the gate passes', async () => {
    const user = userEvent.setup();
    const publish = vi.fn<StubHandler>(() => ({ data: { publishWorkflowVersion: { key: 'support-triage' } } }));
    renderPanel('owner', { ConsoleWorkflowChallenger: () => ({ data: { workflow: challengerWorkflow(attachedChallenger()) } }), ConsoleSwitchToChallenger: publish });
    await user.click(await screen.findByRole('button', { name: 'Switch to v3' }));
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Switch' }));
    await waitFor(() => expect(publish).toHaveBeenCalledWith({ key: 'support-triage', version: 3 }));
  });

  it('below the threshold offers no switch to an owner, and an admin override needs a reason', async () => {
    const user = userEvent.setup();
    const low = { agreed: 20, rate: 20 / 30, meetsThreshold: false };
    renderPanel('owner', { ConsoleWorkflowChallenger: () => ({ data: { workflow: challengerWorkflow(attachedChallenger(low)) } }) });
    expect((await screen.findByTestId('challenger-gate')).textContent).toContain('66.7% (20 of 30)');
    expect(screen.getByTestId('challenger-gate').textContent).toContain('✕ not yet');
    expect(screen.queryByRole('button', { name: /Switch to v3/ })).toBeNull();
    cleanup();
    vi.unstubAllGlobals();

    const publish = vi.fn<StubHandler>(() => ({ data: { publishWorkflowVersion: { key: 'support-triage' } } }));
    renderPanel('admin', { ConsoleWorkflowChallenger: () => ({ data: { workflow: challengerWorkflow(attachedChallenger(low)) } }), ConsoleSwitchToChallenger: publish });
    await user.click(await screen.findByRole('button', { name: 'Switch to v3 anyway (admin override)' }));
    const dialog = screen.getByRole('dialog');
    await user.click(within(dialog).getByRole('button', { name: 'Override and switch' }));
    expect(publish).not.toHaveBeenCalled();
    await user.type(within(dialog).getByLabelText('Why switch below the threshold (required)'), 'old model retired tonight');
    await user.click(within(dialog).getByRole('button', { name: 'Override and switch' }));
    await waitFor(() => expect(publish).toHaveBeenCalledWith({ key: 'support-triage', version: 3, overrideReason: 'old model retired tonight' }));
  });

  it('attaches an approved version with a share, and shows the API refusal when it has one', async () => {
    const user = userEvent.setup();
    const attach = vi.fn<StubHandler>((v) =>
      v.sharePercent === 150 ? { error: { message: 'sharePercent is the percentage of live runs the challenger shadows, from 0 to 100 (got 150).', code: 'BAD_USER_INPUT' } } : { data: { attachChallenger: { key: 'support-triage' } } },
    );
    renderPanel('owner', { ConsoleAttachChallenger: attach });
    const form = await screen.findByRole('form', { name: 'Attach a challenger' });
    expect(within(form).getAllByRole('option').map((o) => o.textContent)).toEqual(['v3 — gpt-4.1-mini instead of gpt-4o']);
    const share = within(form).getByLabelText('Share of live runs (%)');
    await user.clear(share);
    await user.type(share, '150');
    await user.click(within(form).getByRole('button', { name: 'Attach challenger' }));
    expect((await within(form).findByRole('alert')).textContent).toContain('from 0 to 100');
    await user.clear(share);
    await user.type(share, '25');
    await user.click(within(form).getByRole('button', { name: 'Attach challenger' }));
    await waitFor(() => expect(attach).toHaveBeenLastCalledWith({ key: 'support-triage', version: 3, sharePercent: 25 }));
  });
});
