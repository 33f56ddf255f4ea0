import type { ConsoleMetricsFiguresFragment } from '../../../gql/graphql.js';
import { formatCount, formatDuration, formatPercentChange, formatRate, formatUsd } from '../lib/format.js';

interface Figure {
  readonly value: number;
  readonly sampleSize: number;
}

export interface MetricTilesProps {
  readonly total: ConsoleMetricsFiguresFragment;
  readonly driftVsPrevious: { readonly percent: number | null; readonly sampleSize: number; readonly previousSampleSize: number; readonly previousCostPerRunUsd: number };
  readonly driftVsBaseline: { readonly percent: number | null; readonly sampleSize: number; readonly baselinePerRunUsd: number } | null;
}

interface Tile {
  readonly label: string;
  readonly value: string;
  /** Sample size(s), always shown: a rate over 3 runs is not a rate over 3,000. */
  readonly sample: string;
  readonly hint: string;
}

const n = (count: number) => `n = ${formatCount(count)}`;
const rateTile = (label: string, f: Figure, hint: string): Tile => ({ label, value: formatRate(f.value), sample: n(f.sampleSize), hint });

/** The headline figures for the period, each with the number of observations behind it. */
export function MetricTiles({ total: t, driftVsPrevious: prev, driftVsBaseline: base }: MetricTilesProps) {
  const tiles: Tile[] = [
    { label: 'Runs', value: formatCount(t.runsStarted), sample: `n = ${formatCount(t.runsStarted)} started, ${formatCount(t.runsFinished)} finished`, hint: 'Runs started in the period (throughput).' },
    {
      label: 'Cycle time p50 / p90',
      value: `${formatDuration(t.cycleTimeP50Seconds.value)} / ${formatDuration(t.cycleTimeP90Seconds.value)}`,
      sample: n(t.cycleTimeP50Seconds.sampleSize),
      hint: 'Start to terminal state, over finished runs.',
    },
    rateTile('Straight-through rate', t.straightThroughRate, 'Completed with no approval, exception, hand-off or re-open, of completed runs.'),
    rateTile('Exception rate', t.exceptionRate, 'Runs with at least one exception, of runs started.'),
    rateTile('Rework rate', t.reworkRate, 'Approvals edited or rejected and runs re-opened.'),
    rateTile('Hand-off failure rate', t.handOffFailureRate, 'Hand-offs failed, bounced or overdue, of hand-offs.'),
    rateTile('Error rate', t.errorRate, 'Failed runs, of finished runs.'),
    {
      label: 'Approval latency p50 / p90',
      value: `${formatDuration(t.approvalLatencyP50Seconds.value)} / ${formatDuration(t.approvalLatencyP90Seconds.value)}`,
      sample: n(t.approvalLatencyP50Seconds.sampleSize),
      hint: 'Requested to decided, over decided approvals.',
    },
    rateTile('SLA breach rate', t.slaBreachRate, 'Approvals and exceptions past their due time.'),
    { label: 'Cost per run', value: formatUsd(t.costPerRunUsd.value), sample: n(t.costPerRunUsd.sampleSize), hint: `Total ${formatUsd(t.totalCostUsd)} over runs started.` },
    {
      label: 'Cost drift vs previous period',
      value: formatPercentChange(prev.percent),
      sample: `n = ${formatCount(prev.sampleSize)} vs ${formatCount(prev.previousSampleSize)}`,
      hint: `Previous period: ${formatUsd(prev.previousCostPerRunUsd)} per run.`,
    },
    base
      ? {
          label: 'Cost drift vs baseline',
          value: formatPercentChange(base.percent),
          sample: n(base.sampleSize),
          hint: `Baseline ${formatUsd(base.baselinePerRunUsd)} per run.`,
        }
      : { label: 'Cost drift vs baseline', value: 'No baseline', sample: 'n = 0', hint: 'Per workflow, when the workflow has a cost baseline.' },
    rateTile('Shadow agreement', t.shadowAgreementRate, 'AI result agreed with the recorded human outcome.'),
  ];
  return (
    <ul className="mx-tiles" aria-label="Headline figures">
      {tiles.map((tile) => (
        <li key={tile.label} className="mx-tile" data-tile={tile.label}>
          <span className="mx-tile__label">{tile.label}</span>
          <span className="mx-tile__value">{tile.value}</span>
          <span className="mx-tile__sample">{tile.sample}</span>
          <span className="mx-tile__hint">{tile.hint}</span>
        </li>
      ))}
    </ul>
  );
}
