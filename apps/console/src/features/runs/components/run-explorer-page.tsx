import { Button, EmptyState, ErrorMessage, ScreenHeader } from '@gatehouse/ui';
import { useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { useRuns } from '../hooks/use-runs.js';
import { type RunSearch, isRunId, searchFromParams, searchToParams } from '../lib/run-search.js';
import '../runs.css';
import { RunSearchForm } from './run-search-form.js';
import { RunTable } from './run-table.js';

/** The results of one search, paged by cursor; a new search remounts it at page one. */
function RunResults({ search }: { readonly search: RunSearch }) {
  // The `after` cursor of every page visited, so Previous can go back without offsets.
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const after = cursors[cursors.length - 1] ?? null;
  const runs = useRuns(search, after);

  if (runs.isPending) return <p role="status">Loading runs…</p>;
  if (runs.isError) {
    return <ErrorMessage title="Could not load runs" error={runs.error} onRetry={() => void runs.refetch()} />;
  }
  const rows = runs.data.runs.edges.map((e) => e.node);
  const { hasNextPage, endCursor } = runs.data.runs.pageInfo;
  if (rows.length === 0 && cursors.length === 1) {
    return <EmptyState title="No runs match" description="Change the reference, status or workflow, or clear the search." />;
  }
  const page = cursors.length;
  return (
    <>
      <RunTable runs={rows} caption={`Runs, newest first — page ${page}${runs.isPlaceholderData ? ' (loading…)' : ''}`} />
      <nav className="runs-pager" aria-label="Pages of runs">
        <Button
          disabledReason={page === 1 ? 'This is the first page.' : null}
          onClick={() => setCursors((c) => c.slice(0, -1))}
        >
          Previous page
        </Button>
        <span>Page {page}</span>
        <Button
          disabledReason={hasNextPage && endCursor ? null : 'There are no more runs.'}
          onClick={() => endCursor && setCursors((c) => [...c, endCursor])}
        >
          Next page
        </Button>
      </nav>
    </>
  );
}

/** Search runs by id, external reference, status and workflow (kept in the address bar). */
export function RunExplorerPage() {
  const [params, setParams] = useSearchParams();
  const navigate = useNavigate();
  const search = searchFromParams(params);
  const key = searchToParams(search).toString();

  const onSearch = (next: RunSearch) => {
    // An exact run id opens that run; the run page says so if there is none.
    if (isRunId(next.ref)) {
      void navigate(`/runs/${next.ref.trim().toLowerCase()}`);
      return;
    }
    setParams(searchToParams(next));
  };

  return (
    <>
      <ScreenHeader title="Runs" subtitle="Every execution of a published workflow, with its trace" />
      {/* Keyed by the search, so both start over on a new one (siblings need distinct keys). */}
      <RunSearchForm key={`form?${key}`} initial={search} onSearch={onSearch} />
      <RunResults key={`results?${key}`} search={search} />
    </>
  );
}
