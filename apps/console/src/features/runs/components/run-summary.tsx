import { StatusBadge } from '@gatehouse/ui';
import { Link } from 'react-router';
import type { ConsoleRunQuery } from '../../../gql/graphql.js';
import { between, formatDateTime, formatDuration, formatUsd } from '../lib/format.js';

type Run = ConsoleRunQuery['run'];

/** The run's facts at a glance: where it stands and how long it took. */
export function RunSummary({ run }: { readonly run: Run }) {
  const cost = run.steps.reduce((sum, s) => sum + (s.costUsd ?? 0), 0);
  return (
    <dl className="run-summary">
      <div>
        <dt>Status</dt>
        <dd>
          <StatusBadge status={run.status} />
          {run.cancelReason ? <span className="runs-muted"> ({run.cancelReason})</span> : null}
          {run.reopenCount > 0 ? (
            <span className="runs-muted">
              {' '}
              re-opened {run.reopenCount === 1 ? 'once' : `${run.reopenCount} times`}
              {run.reopenedAt ? (
                <>
                  , last <time dateTime={run.reopenedAt}>{formatDateTime(run.reopenedAt)}</time>
                </>
              ) : null}
            </span>
          ) : null}
        </dd>
      </div>
      <div>
        <dt>Workflow</dt>
        <dd>
          <Link to={`/workflows/${run.workflow.key}`}>{run.workflow.name}</Link> v{run.version}
        </dd>
      </div>
      <div>
        <dt>Mode</dt>
        <dd>{run.mode}</dd>
      </div>
      <div>
        <dt>External reference</dt>
        <dd>{run.externalRef ?? '—'}</dd>
      </div>
      <div>
        <dt>Created</dt>
        <dd>
          <time dateTime={run.createdAt}>{formatDateTime(run.createdAt)}</time>
        </dd>
      </div>
      <div>
        <dt>Finished</dt>
        <dd>{run.finishedAt ? <time dateTime={run.finishedAt}>{formatDateTime(run.finishedAt)}</time> : 'not yet'}</dd>
      </div>
      <div>
        <dt>Duration</dt>
        <dd>{formatDuration(between(run.createdAt, run.finishedAt))}</dd>
      </div>
      <div>
        <dt>Cost</dt>
        <dd>{formatUsd(cost)}</dd>
      </div>
      <div>
        <dt>Started by</dt>
        <dd>{run.createdBy?.name ?? '—'}</dd>
      </div>
      <div>
        <dt>Run id</dt>
        <dd>
          <code>{run.id}</code>
        </dd>
      </div>
    </dl>
  );
}
