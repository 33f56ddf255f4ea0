import type { ConsoleMetricsQuery } from '../../../gql/graphql.js';
import { bucketLabel, formatCount, formatDuration, formatRate, formatUsd } from '../lib/format.js';
import { MetricChart } from './metric-chart.js';

type Bucket = ConsoleMetricsQuery['metrics']['buckets'][number];

/* Colour-blind-safe palette (Okabe–Ito); lines also differ by dash pattern. */
const C = { blue: '#0072B2', orange: '#D55E00', green: '#009E73', purple: '#CC79A7', sky: '#56B4E9', yellow: '#E69F00', black: '#000000' };
const REASON_COLORS = [C.blue, C.orange, C.green, C.purple, C.sky, C.yellow, C.black];

/** A figure over an empty sample has no value to plot: a gap in the line, "—" in the table, not a 0. */
const measured = (figure: { value: number; sampleSize: number }): number | null => (figure.sampleSize === 0 ? null : figure.value);

const humanise = (s: string) => (s.charAt(0).toUpperCase() + s.slice(1)).replace(/_/g, ' ');

/** Every outcome metric over the period's buckets. */
export function MetricsCharts({ buckets, bucket }: { readonly buckets: readonly Bucket[]; readonly bucket: string }) {
  const label = (b: Bucket) => bucketLabel(b.start, bucket);
  const rows = <T extends Record<string, number | null>>(pick: (f: Bucket['figures']) => T) => buckets.map((b) => ({ label: label(b), ...pick(b.figures) }));
  const samples = (pick: (f: Bucket['figures']) => number) => buckets.map((b) => pick(b.figures));

  // Every reason seen in any bucket, so the stack is the same in each bar.
  const reasons = [...new Set(buckets.flatMap((b) => b.figures.exceptionsByReason.map((r) => r.reason)))];
  const reasonRows = buckets.map((b) => ({
    label: label(b),
    ...Object.fromEntries(reasons.map((r) => [r, b.figures.exceptionsByReason.find((x) => x.reason === r)?.count ?? 0])),
  }));

  return (
    <div className="mx-charts">
      <MetricChart
        title="Cycle time p50 / p90"
        description="Start to terminal state of the runs started in each bucket."
        kind="line"
        rows={rows((f) => ({ p50: measured(f.cycleTimeP50Seconds), p90: measured(f.cycleTimeP90Seconds) }))}
        series={[
          { key: 'p50', name: 'p50', color: C.blue },
          { key: 'p90', name: 'p90', color: C.orange, dashed: true },
        ]}
        format={formatDuration}
        samples={samples((f) => f.cycleTimeP50Seconds.sampleSize)}
      />
      <MetricChart
        title="Throughput"
        description="Runs started in each bucket, and how many of them have finished."
        kind="bar"
        rows={rows((f) => ({ started: f.runsStarted, finished: f.runsFinished }))}
        series={[
          { key: 'started', name: 'Started', color: C.blue },
          { key: 'finished', name: 'Finished', color: C.green },
        ]}
        format={formatCount}
      />
      <MetricChart
        title="Straight-through rate"
        description="Completed runs with no human touch, of completed runs."
        kind="line"
        rows={rows((f) => ({ rate: measured(f.straightThroughRate) }))}
        series={[{ key: 'rate', name: 'Straight-through', color: C.green }]}
        format={formatRate}
        rate
        samples={samples((f) => f.straightThroughRate.sampleSize)}
      />
      <MetricChart
        title="Exceptions by reason"
        description={reasons.length === 0 ? 'No exceptions in this period.' : 'Exceptions opened on the runs started in each bucket, stacked by reason.'}
        kind="stacked-bar"
        rows={reasonRows}
        series={(reasons.length === 0 ? ['none'] : reasons).map((r, i) => ({ key: r, name: r === 'none' ? 'Exceptions' : humanise(r), color: REASON_COLORS[i % REASON_COLORS.length]! }))}
        format={formatCount}
        samples={samples((f) => f.exceptionRate.sampleSize)}
      />
      <MetricChart
        title="Exception rate and error rate"
        description="Runs with an exception, of runs started; failed runs, of finished runs."
        kind="line"
        rows={rows((f) => ({ exceptions: measured(f.exceptionRate), errors: measured(f.errorRate) }))}
        series={[
          { key: 'exceptions', name: 'Exception rate', color: C.orange },
          { key: 'errors', name: 'Error rate', color: C.black, dashed: true },
        ]}
        format={formatRate}
        rate
        samples={samples((f) => f.exceptionRate.sampleSize)}
      />
      <MetricChart
        title="Rework rate"
        description="Approvals edited or rejected and runs re-opened."
        kind="line"
        rows={rows((f) => ({ rate: measured(f.reworkRate) }))}
        series={[{ key: 'rate', name: 'Rework', color: C.purple }]}
        format={formatRate}
        rate
        samples={samples((f) => f.reworkRate.sampleSize)}
      />
      <MetricChart
        title="Hand-off failures"
        description="Hand-offs to manual paths, and those that failed, bounced or ran past due."
        kind="bar"
        rows={rows((f) => ({ handOffs: f.handOffs, failures: f.handOffFailures }))}
        series={[
          { key: 'handOffs', name: 'Hand-offs', color: C.sky },
          { key: 'failures', name: 'Failures', color: C.orange },
        ]}
        format={formatCount}
      />
      <MetricChart
        title="Approval latency p50 / p90"
        description="Requested to decided, over the approvals decided on each bucket's runs."
        kind="line"
        rows={rows((f) => ({ p50: measured(f.approvalLatencyP50Seconds), p90: measured(f.approvalLatencyP90Seconds) }))}
        series={[
          { key: 'p50', name: 'p50', color: C.blue },
          { key: 'p90', name: 'p90', color: C.orange, dashed: true },
        ]}
        format={formatDuration}
        samples={samples((f) => f.approvalLatencyP50Seconds.sampleSize)}
      />
      <MetricChart
        title="Cost per run"
        description="Step attempts' cost over runs started, USD."
        kind="line"
        rows={rows((f) => ({ cost: measured(f.costPerRunUsd) }))}
        series={[{ key: 'cost', name: 'Cost per run', color: C.green }]}
        format={formatUsd}
        samples={samples((f) => f.costPerRunUsd.sampleSize)}
      />
      <MetricChart
        title="Shadow agreement"
        description="AI results that agreed with the recorded human outcome."
        kind="line"
        rows={rows((f) => ({ rate: measured(f.shadowAgreementRate) }))}
        series={[{ key: 'rate', name: 'Agreement', color: C.blue }]}
        format={formatRate}
        rate
        samples={samples((f) => f.shadowAgreementRate.sampleSize)}
      />
    </div>
  );
}
