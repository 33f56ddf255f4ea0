import { Button, EmptyState, ErrorMessage, ScreenHeader } from '@gatehouse/ui';
import { useCallback, useMemo, useState } from 'react';
import { useLocation, useNavigate, useParams, useSearchParams } from 'react-router';
import { useApprovals } from '../hooks/use-approvals.js';
import { useListKeys } from '../hooks/use-list-keys.js';
import { useNow } from '../../../lib/use-now.js';
import { type ApprovalListFilter, filterFromParams, filterToParams } from '../lib/approval-filters.js';
import '../approvals.css';
import { ApprovalDetail } from './approval-detail.js';
import { ApprovalFilters } from './approval-filters.js';
import { ApprovalList } from './approval-list.js';

function ApprovalInbox({ filter, selectedId }: { readonly filter: ApprovalListFilter; readonly selectedId: string | null }) {
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const approvals = useApprovals(filter, cursors[cursors.length - 1] ?? null);
  const now = useNow(30_000);
  const navigate = useNavigate();
  const { search } = useLocation();
  const ids = useMemo(() => approvals.data?.approvals.edges.map((e) => e.node.id) ?? [], [approvals.data]);
  const open = useCallback((id: string) => void navigate({ pathname: `/approvals/${id}`, search }), [navigate, search]);
  useListKeys(ids, selectedId, open);

  if (approvals.isPending) return <p role="status">Loading approvals…</p>;
  if (approvals.isError) {
    return <ErrorMessage title="Could not load approvals" error={approvals.error} onRetry={() => void approvals.refetch()} />;
  }
  const rows = approvals.data.approvals.edges.map((e) => e.node);
  const { hasNextPage, endCursor } = approvals.data.approvals.pageInfo;
  if (rows.length === 0 && cursors.length === 1) {
    return (
      <EmptyState
        title={filter.status === 'pending' ? 'No approvals waiting' : 'No approvals match'}
        description={filter.status === 'pending' ? 'Nothing needs a decision right now.' : 'Change the status or workflow filter.'}
      />
    );
  }
  const label = filter.status === 'all' ? 'Approvals' : `${filter.status.charAt(0).toUpperCase()}${filter.status.slice(1)} approvals`;
  return (
    <>
      <ApprovalList approvals={rows} selectedId={selectedId} now={now} caption={`${label}, newest first (${rows.length}${hasNextPage ? '+' : ''})`} />
      <p className="approvals-keys">
        Keys: <kbd>j</kbd> next, <kbd>k</kbd> previous approval.
      </p>
      {cursors.length > 1 || hasNextPage ? (
        <nav className="approvals-pager" aria-label="Pages of approvals">
          <Button disabledReason={cursors.length === 1 ? 'This is the first page.' : null} onClick={() => setCursors((c) => c.slice(0, -1))}>
            Previous page
          </Button>
          <Button
            disabledReason={hasNextPage && endCursor ? null : 'There are no more approvals.'}
            onClick={() => endCursor && setCursors((c) => [...c, endCursor])}
          >
            Next page
          </Button>
        </nav>
      ) : null}
    </>
  );
}

/** The approvals inbox: the list on the left, the chosen approval and its decision on the right. */
export function ApprovalsPage() {
  const { approvalId = null } = useParams();
  const [params, setParams] = useSearchParams();
  const filter = filterFromParams(params);
  const key = filterToParams(filter).toString();

  return (
    <>
      <ScreenHeader
        title="Approvals"
        subtitle="Actions the AI proposed that wait for a person’s decision"
        actions={<ApprovalFilters filter={filter} onChange={(next) => setParams(filterToParams(next))} />}
      />
      <div className="approvals-layout">
        <section className="approvals-layout__list" aria-label="Approval list">
          <ApprovalInbox key={key} filter={filter} selectedId={approvalId} />
        </section>
        <section className="approvals-layout__detail" aria-label="Approval detail">
          {approvalId ? (
            <ApprovalDetail key={approvalId} approvalId={approvalId} />
          ) : (
            <EmptyState title="No approval open" description="Choose an approval in the list to see the proposed action and decide it." />
          )}
        </section>
      </div>
    </>
  );
}
