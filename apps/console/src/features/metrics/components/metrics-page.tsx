import { Button, ErrorMessage, ScreenHeader } from '@gatehouse/ui';
import { useMemo, useState } from 'react';
import '../metrics.css';
import { useMetrics, useMetricsWorkflowOptions } from '../hooks/use-metrics.js';
import { useMetricsParams } from '../hooks/use-metrics-params.js';
import { formatCount } from '../lib/format.js';
import { toVariables } from '../lib/period.js';
import { MetricTiles } from './metric-tiles.js';
import { MetricsCharts } from './metrics-charts.js';
import { PeriodPicker } from './period-picker.js';

/** Outcome metrics for leadership: headline figures and every metric over time, per workflow or overall. */
export function MetricsPage() {
  const [params, update] = useMetricsParams();
  // "Now" is fixed until Refresh, so the window (and the cache key) does not move every render.
  const [now, setNow] = useState(() => new Date());
  const resolved = useMemo(() => toVariables(params, now), [params, now]);
  const variables = 'error' in resolved ? null : resolved;
  const metrics = useMetrics(variables);
  const workflows = useMetricsWorkflowOptions();
  const bucket = variables?.bucket ?? params.bucket ?? 'day';

  const data = metrics.data?.metrics;
  return (
    <>
      <ScreenHeader
        title="Metrics"
        subtitle="Outcome metrics of the runs started in the period (UTC buckets)"
        actions={
          <Button onClick={() => setNow(new Date())} disabledReason={metrics.isFetching ? 'Refreshing…' : null}>
            Refresh
          </Button>
        }
      />
      <PeriodPicker params={params} bucket={bucket} workflows={workflows.data?.workflows ?? []} onChange={update} />
      {workflows.isError ? <ErrorMessage title="Could not load the workflow list" error={workflows.error} /> : null}
      {'error' in resolved ? (
        <p role="alert" className="mx-notice">
          {resolved.error}
        </p>
      ) : metrics.isError ? (
        <ErrorMessage title="Could not load metrics" error={metrics.error} onRetry={() => void metrics.refetch()} />
      ) : metrics.isPending || !data ? (
        <p role="status">Loading metrics…</p>
      ) : (
        <div aria-busy={metrics.isFetching}>
          <p className="mx-summary">
            {data.workflowKey ? (
              <>
                Workflow <code>{data.workflowKey}</code>
              </>
            ) : (
              'All workflows'
            )}
            , {new Date(data.from).toISOString().slice(0, 16).replace('T', ' ')} – {new Date(data.to).toISOString().slice(0, 16).replace('T', ' ')} UTC, by{' '}
            {data.bucket} ({formatCount(data.buckets.length)} buckets)
            {data.total.runsStarted === 0 ? '. No runs started in this period: every figure is 0 with n = 0.' : '.'}
          </p>
          <section aria-labelledby="mx-headline">
            <h2 id="mx-headline" className="mx-heading">
              Headline figures
            </h2>
            <MetricTiles total={data.total} driftVsPrevious={data.costDriftVsPrevious} driftVsBaseline={data.costDriftVsBaseline} />
          </section>
          <section aria-labelledby="mx-over-time">
            <h2 id="mx-over-time" className="mx-heading">
              Over time
            </h2>
            <MetricsCharts buckets={data.buckets} bucket={data.bucket} />
          </section>
        </div>
      )}
    </>
  );
}
