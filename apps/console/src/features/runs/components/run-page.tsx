import { ErrorMessage, ScreenHeader } from '@gatehouse/ui';
import { Link, useParams } from 'react-router';
import { useRun } from '../hooks/use-run.js';
import { shortId } from '../lib/format.js';
import '../runs.css';
import { JsonBlock } from './json-block.js';
import { DecisionRecordLink } from './decision-record-link.js';
import { RunActions } from './run-actions.js';
import { RunSummary } from './run-summary.js';
import { RunTimeline } from './run-timeline.js';
import { RunWorkItems } from './run-work-items.js';

/** One run's trace: facts, timeline of steps and audit events, its approvals and exceptions. */
export function RunPage() {
  const { runId = '' } = useParams();
  const query = useRun(runId);

  if (query.isPending) {
    return (
      <>
        <ScreenHeader title="Run" />
        <p role="status">Loading the run…</p>
      </>
    );
  }
  if (query.isError) {
    return (
      <>
        <ScreenHeader title="Run" subtitle={<Link to="/runs">Back to runs</Link>} />
        <ErrorMessage title="Could not load this run" error={query.error} onRetry={() => void query.refetch()} />
      </>
    );
  }
  const run = query.data.run;
  return (
    <>
      <ScreenHeader
        title={`Run ${run.externalRef ?? shortId(run.id)}`}
        subtitle={
          <>
            {run.workflow.name} v{run.version} · {run.mode} mode · <Link to="/runs">All runs</Link>
          </>
        }
        actions={
          <div className="run-page__actions">
            <DecisionRecordLink runId={run.id} />
            <RunActions runId={run.id} status={run.status} />
          </div>
        }
      />
      <RunSummary run={run} />
      <RunTimeline runId={run.id} steps={run.steps} />
      <RunWorkItems run={run} />
      <section className="console-section run-section run-io" aria-labelledby="run-io-title">
        <h2 id="run-io-title">Input and result</h2>
        <div className="run-io__grid">
          <JsonBlock label="Input" value={run.input} />
          {run.output !== null ? <JsonBlock label="Output" value={run.output} /> : null}
          {run.error !== null ? <JsonBlock label="Error" value={run.error} /> : null}
        </div>
      </section>
    </>
  );
}
