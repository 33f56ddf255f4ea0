import { screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderWithApi } from '../test/stub-api.js';
import { WorkflowsPage } from './workflows-page.js';

afterEach(() => vi.unstubAllGlobals());

const WORKFLOWS = {
  workflows: [
    {
      key: 'invoice-approval',
      name: 'Supplier invoice approval',
      rolloutStage: 'shadow',
      paused: true,
      pausedReason: 'Vendor outage',
      operationalOwner: { id: 'p-owner', name: 'Olive Owner' },
      health: { status: 'paused', windowHours: 24, finishedRuns: 2, signals: [{ kind: 'paused', severity: 'paused', message: 'The kill switch is on: no new step starts.' }] },
      readiness: { ready: false, metCount: 4, assessedAt: '2025-03-01T10:00:00Z' },
    },
    {
      key: 'support-triage',
      name: 'Support ticket triage',
      rolloutStage: 'execute',
      paused: false,
      pausedReason: null,
      operationalOwner: null,
      health: { status: 'critical', windowHours: 24, finishedRuns: 9, signals: [{ kind: 'sla_breached', severity: 'critical', message: '2 items past SLA now (1 exceptions, 1 approvals).' }] },
      readiness: { ready: true, metCount: 6, assessedAt: '2025-03-01T10:00:00Z' },
    },
  ],
};

describe('workflow list', () => {
  it('shows owner, stage, paused, health (with its signals) and readiness per workflow', async () => {
    renderWithApi({ path: '/workflows', route: '/workflows', element: <WorkflowsPage />, role: 'viewer', handlers: { ConsoleWorkflows: () => ({ data: WORKFLOWS }) } });
    const table = await screen.findByRole('table');
    const headers = within(table).getAllByRole('columnheader').map((h) => h.textContent);
    expect(headers).toEqual(['Workflow', 'Operational owner', 'Rollout stage', 'Paused', 'Health', 'Readiness']);
    const rows = within(table).getAllByRole('row').slice(1);
    const cells = (row: HTMLElement) => within(row).getAllByRole('cell').map((c) => c.textContent);
    expect(cells(rows[0]!)).toEqual(['Olive Owner', 'Shadow', 'Paused', expect.stringContaining('Paused'), 'Not ready (4/6)']);
    expect(cells(rows[1]!)).toEqual(['Not named', 'Execute', 'No', expect.stringContaining('Critical'), '✓ Ready (6/6)']);
    // The signals are the health's tooltip and are read out with it.
    expect(within(rows[1]!).getByText('Critical', { exact: false }).closest('[data-health]')?.getAttribute('title')).toBe('2 items past SLA now (1 exceptions, 1 approvals).');
    expect(within(rows[0]!).getByRole('link', { name: 'Supplier invoice approval' }).getAttribute('href')).toBe('/workflows/invoice-approval');
    // The definition of health is on the screen.
    expect(screen.getByText('How health is judged')).toBeTruthy();
    expect(screen.getByText(/past its SLA right now/)).toBeTruthy();
  });

  it('shows the API error with its message', async () => {
    renderWithApi({
      path: '/workflows',
      route: '/workflows',
      element: <WorkflowsPage />,
      handlers: { ConsoleWorkflows: () => ({ error: { message: 'Database unavailable, try again.', code: 'INTERNAL_SERVER_ERROR' } }) },
    });
    expect((await screen.findByRole('alert')).textContent).toContain('Database unavailable, try again.');
  });
});
