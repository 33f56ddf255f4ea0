import { Link } from 'react-router';
import { useCan } from '../../session/hooks/use-can.js';

/** To the run's decision record, for the roles that may export one (the API checks again, with workflow scope). */
export function DecisionRecordLink({ runId }: { readonly runId: string }) {
  if (!useCan('decisionRecord')) return null;
  return (
    <Link className="gh-button gh-button--secondary" to={`/runs/${runId}/record`}>
      Decision record
    </Link>
  );
}
