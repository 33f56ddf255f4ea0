import { Link } from 'react-router';
import type { ConsoleRunQuery } from '../../../gql/graphql.js';
import { formatDateTime, humanise } from '../lib/format.js';

type Run = ConsoleRunQuery['run'];

/** The run's approvals and exceptions, each linked to the screen where people decide it. */
export function RunWorkItems({ run }: { readonly run: Run }) {
  return (
    <div className="run-work-items">
      <section className="console-section run-section" aria-labelledby="run-approvals-title">
        <h2 id="run-approvals-title">Approvals</h2>
        {run.approvals.length === 0 ? (
          <p className="runs-muted">No approval was requested.</p>
        ) : (
          <ul className="run-links">
            {run.approvals.map((a) => (
              <li key={a.id}>
                <Link to={`/approvals/${a.id}`}>
                  {a.actionName ?? a.stepId} ({humanise(a.actionClass)})
                </Link>{' '}
                — {a.status}
                {a.decision ? `, ${humanise(a.decision)}` : ''}
                <span className="runs-muted"> · requested {formatDateTime(a.createdAt)}</span>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section className="console-section run-section" aria-labelledby="run-exceptions-title">
        <h2 id="run-exceptions-title">Exceptions</h2>
        {run.exceptions.length === 0 ? (
          <p className="runs-muted">No exception was raised.</p>
        ) : (
          <ul className="run-links">
            {run.exceptions.map((x) => (
              <li key={x.id}>
                <Link to={`/exceptions/${x.id}`}>
                  {humanise(x.reason)} on {x.stepId}
                </Link>{' '}
                — {x.status}
                {x.resolution ? `, ${humanise(x.resolution)}` : ''}
                <span className="runs-muted"> · raised {formatDateTime(x.createdAt)}</span>
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
