import { StatusBadge } from '@gatehouse/ui';
import { Link } from 'react-router';
import type { ConsoleRunsQuery } from '../../../gql/graphql.js';
import { between, formatDateTime, formatDuration, shortId } from '../lib/format.js';

type RunRow = ConsoleRunsQuery['runs']['edges'][number]['node'];

export interface RunTableProps {
  readonly runs: readonly RunRow[];
  readonly caption: string;
}

/** Runs as a dense table; the reference (or short id) opens the run's trace. */
export function RunTable({ runs, caption }: RunTableProps) {
  return (
    <table className="console-table runs-table">
      <caption className="console-table__caption">{caption}</caption>
      <thead>
        <tr>
          <th scope="col">External reference</th>
          <th scope="col">Workflow</th>
          <th scope="col">Status</th>
          <th scope="col">Mode</th>
          <th scope="col">Created</th>
          <th scope="col">Duration</th>
        </tr>
      </thead>
      <tbody>
        {runs.map((run) => (
          <tr key={run.id}>
            <th scope="row">
              <Link to={`/runs/${run.id}`}>
                {run.externalRef ?? (
                  <>
                    Run <code>{shortId(run.id)}</code>
                  </>
                )}
              </Link>
            </th>
            <td>
              {run.workflow.name} <span className="runs-muted">v{run.version}</span>
            </td>
            <td>
              <StatusBadge status={run.status} />
            </td>
            <td>{run.mode}</td>
            <td>
              <time dateTime={run.createdAt}>{formatDateTime(run.createdAt)}</time>
            </td>
            <td>{run.finishedAt ? formatDuration(between(run.createdAt, run.finishedAt)) : <span className="runs-muted">not finished</span>}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
