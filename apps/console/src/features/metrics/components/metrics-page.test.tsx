import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { currentLocation, renderWithApi, type StubHandler } from '../../workflows/test/stub-api.js';
import { MetricsPage } from './metrics-page.js';

afterEach(() => vi.unstubAllGlobals());

const fig = (value: number, sampleSize: number) => ({ value, sampleSize });

function figures(runs: number) {
  const some = runs > 0;
  return {
    runsStarted: runs,
    runsFinished: some ? 1000 : 0,
    completed: some ? 950 : 0,
    failed: some ? 50 : 0,
    exceptionsOpened: some ? 120 : 0,
    handOffs: some ? 40 : 0,
    handOffFailures: some ? 4 : 0,
    approvalsRequested: some ? 300 : 0,
    approvalsDecided: some ? 280 : 0,
    approvalsReworked: some ? 28 : 0,
    runsReopened: 0,
    approvalSlaBreaches: some ? 5 : 0,
    exceptionSlaBreaches: some ? 3 : 0,
    totalCostUsd: some ? 61.7 : 0,
    cycleTimeP50Seconds: fig(some ? 5400 : 0, some ? 1000 : 0),
    cycleTimeP90Seconds: fig(some ? 30_000 : 0, some ? 1000 : 0),
    straightThroughRate: fig(some ? 0.62 : 0, some ? 950 : 0),
    exceptionRate: fig(some ? 0.097 : 0, runs),
    reworkRate: fig(some ? 0.1 : 0, some ? 1230 : 0),
    handOffFailureRate: fig(some ? 0.1 : 0, some ? 40 : 0),
    errorRate: fig(some ? 0.05 : 0, some ? 1000 : 0),
    approvalLatencyP50Seconds: fig(some ? 900 : 0, some ? 280 : 0),
    approvalLatencyP90Seconds: fig(some ? 7200 : 0, some ? 280 : 0),
    slaBreachRate: fig(some ? 0.02 : 0, some ? 400 : 0),
    costPerRunUsd: fig(some ? 0.05 : 0, runs),
    shadowAgreementRate: fig(some ? 0.875 : 0, some ? 16 : 0),
    exceptionsByReason: some ? [{ reason: 'low_confidence', count: 100, rate: fig(0.08, runs) }, { reason: 'tool_error', count: 20, rate: fig(0.016, runs) }] : [],
  };
}

function metrics(variables: Record<string, unknown>, runs = 1234) {
  return {
    metrics: {
      workflowKey: variables.workflowKey ?? null,
      from: variables.from,
      to: variables.to,
      bucket: variables.bucket,
      total: figures(runs),
      buckets: [
        { start: '2025-03-09T00:00:00Z', figures: figures(runs) },
        { start: '2025-03-10T00:00:00Z', figures: figures(0) },
      ],
      costDriftVsPrevious: { percent: runs ? 12.5 : null, costPerRunUsd: 0.05, sampleSize: runs, previousCostPerRunUsd: 0.0444, previousSampleSize: runs ? 1100 : 0 },
      costDriftVsBaseline: null,
    },
  };
}

const OPTIONS = { workflows: [{ key: 'support-triage', name: 'Support ticket triage' }] };

function renderMetrics(path = '/metrics', handler: StubHandler = (v) => ({ data: metrics(v) })) {
  return renderWithApi({
    path,
    route: '/metrics',
    element: <MetricsPage />,
    role: 'viewer',
    handlers: { ConsoleMetrics: handler, ConsoleMetricsWorkflowOptions: () => ({ data: OPTIONS }) },
  });
}

const tile = (label: string) => screen.getByRole('list', { name: 'Headline figures' }).querySelector(`[data-tile="${label}"]`) as HTMLElement;

describe('metrics page', () => {
  it('shows every headline tile with its value and sample size', async () => {
    renderMetrics();
    await screen.findByRole('list', { name: 'Headline figures' });
    expect(within(tile('Runs')).getByText('1,234')).toBeTruthy();
    expect(tile('Runs').textContent).toContain('n = 1,234 started, 1,000 finished');
    expect(tile('Cycle time p50 / p90').textContent).toContain('1.5 h / 8.3 h');
    expect(tile('Cycle time p50 / p90').textContent).toContain('n = 1,000');
    expect(tile('Straight-through rate').textContent).toContain('62.0%n = 950');
    expect(tile('Exception rate').textContent).toContain('9.7%');
    expect(tile('Rework rate').textContent).toContain('n = 1,230');
    expect(tile('Hand-off failure rate').textContent).toContain('10.0%n = 40');
    expect(tile('Error rate').textContent).toContain('5.0%');
    expect(tile('Approval latency p50 / p90').textContent).toContain('15.0 min / 2.0 h');
    expect(tile('SLA breach rate').textContent).toContain('n = 400');
    expect(tile('Cost per run').textContent).toContain('$0.0500');
    expect(tile('Cost drift vs previous period').textContent).toContain('+12.5%n = 1,234 vs 1,100');
    expect(tile('Cost drift vs baseline').textContent).toContain('No baseline');
    expect(tile('Shadow agreement').textContent).toContain('87.5%n = 16');
    // Each chart has a title and a data table.
    for (const title of ['Cycle time p50 / p90', 'Throughput', 'Straight-through rate', 'Exceptions by reason', 'Rework rate', 'Hand-off failures', 'Approval latency p50 / p90', 'Cost per run', 'Shadow agreement']) {
      expect(screen.getByRole('heading', { level: 3, name: title })).toBeTruthy();
    }
    const reasons = screen.getByRole('table', { name: 'Exceptions by reason' });
    expect(within(reasons).getAllByRole('columnheader').map((h) => h.textContent)).toEqual(['Bucket (UTC)', 'Low confidence', 'Tool error', 'n']);
    expect(within(reasons).getAllByRole('row')[2]!.textContent).toBe('10 Mar000');
  });

  it('turns the period picker into query variables and keeps them in the URL', async () => {
    const user = userEvent.setup();
    const { requests } = renderMetrics();
    await screen.findByRole('list', { name: 'Headline figures' });
    const first = requests.find((r) => r.operation === 'ConsoleMetrics')!.variables;
    expect(first).toMatchObject({ workflowKey: null, bucket: 'day' });
    expect(Date.parse(first.to as string) - Date.parse(first.from as string)).toBe(7 * 86_400_000);

    await user.selectOptions(screen.getByLabelText('Period'), '24h');
    await user.selectOptions(screen.getByLabelText('Workflow'), 'support-triage');
    await waitFor(() => expect(requests.filter((r) => r.operation === 'ConsoleMetrics').at(-1)!.variables).toMatchObject({ workflowKey: 'support-triage', bucket: 'hour' }));
    const last = requests.filter((r) => r.operation === 'ConsoleMetrics').at(-1)!.variables;
    expect(Date.parse(last.to as string) - Date.parse(last.from as string)).toBe(86_400_000);
    expect(currentLocation()).toBe('/metrics?period=24h&workflow=support-triage');

    await user.selectOptions(screen.getByLabelText('Bucket'), 'day');
    await waitFor(() => expect(requests.filter((r) => r.operation === 'ConsoleMetrics').at(-1)!.variables).toMatchObject({ bucket: 'day' }));

    await user.selectOptions(screen.getByLabelText('Period'), 'custom');
    expect((await screen.findByRole('alert')).textContent).toBe('Choose both a start and an end for the custom period.');
  });

  it('reads a custom period from the URL and shows the API refusal with its message', async () => {
    const message = 'That window has about 2161 hour buckets; at most 1000 are allowed. Use a larger bucket or a shorter window.';
    const { requests } = renderMetrics('/metrics?period=custom&from=2025-01-01T00:00&to=2025-04-01T00:00&bucket=hour', () => ({ error: { message, code: 'BAD_USER_INPUT' } }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain(message);
    expect(alert.textContent).toContain('BAD_USER_INPUT');
    expect(requests.find((r) => r.operation === 'ConsoleMetrics')!.variables).toEqual({ workflowKey: null, from: '2025-01-01T00:00:00.000Z', to: '2025-04-01T00:00:00.000Z', bucket: 'hour' });
  });

  it('an empty period shows zeros with n = 0, not a broken screen', async () => {
    renderMetrics('/metrics', (v) => ({ data: metrics(v, 0) }));
    await screen.findByRole('list', { name: 'Headline figures' });
    expect(tile('Runs').textContent).toContain('n = 0 started, 0 finished');
    expect(tile('Straight-through rate').textContent).toContain('0.0%n = 0');
    expect(tile('Cost drift vs previous period').textContent).toContain('n/a');
    expect(screen.getByText(/every figure is 0 with n = 0/)).toBeTruthy();
    expect(screen.getByText('No exceptions in this period.')).toBeTruthy();
  });
});
