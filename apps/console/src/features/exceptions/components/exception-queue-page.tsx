import { Button, EmptyState, ErrorMessage, ScreenHeader } from '@gatehouse/ui';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useNavigate, useParams, useSearchParams } from 'react-router';
import type { ExceptionResolution } from '../../../gql/graphql.js';
import { useGraphQLMutation } from '../../../lib/graphql-hooks.js';
import { useCan, useMyId } from '../../session/hooks/use-can.js';
import { useMe } from '../../session/hooks/use-me.js';
import { CLAIM_EXCEPTION_MUTATION, RELEASE_EXCEPTION_MUTATION } from '../api/exception-mutations.js';
import { useException } from '../hooks/use-exception.js';
import { useExceptionQueue } from '../hooks/use-exception-queue.js';
import { useNow } from '../../../lib/use-now.js';
import { type QueueShortcut, useQueueKeyboard } from '../hooks/use-queue-keyboard.js';
import { type QueueFilters as Filters, filtersFromSearch, isFiltered, searchFromFilters } from '../lib/queue-filters.js';
import { formatDuration } from '../lib/sla.js';
import '../exceptions.css';
import { ExceptionDetail, resolveBlockedReason } from './exception-detail.js';
import { ExceptionTable } from './exception-table.js';
import { QueueFilters } from './queue-filters.js';
import { ShortcutLegend } from './shortcut-legend.js';

/**
 * The reviewer's home: the queue (filters in the URL, refreshed every few seconds, SLA
 * countdowns ticking) and, at /exceptions/:id, the item's detail pane beside it. Worked by
 * keyboard: j/k move, Enter opens, c claims, r retries, e edits.
 */
export function ExceptionQueuePage() {
  const { exceptionId = null } = useParams();
  const [searchParams, setSearchParams] = useSearchParams();
  const navigate = useNavigate();
  const filters = useMemo(() => filtersFromSearch(searchParams), [searchParams]);
  const search = searchParams.size > 0 ? `?${searchParams.toString()}` : '';
  const now = useNow();

  const myId = useMyId();
  const me = useMe();
  const can = {
    claim: useCan('claimException'),
    release: useCan('releaseException'),
    resolve: useCan('resolveException'),
    isAdmin: me.data?.me.role === 'admin',
  };
  const canAct = can.claim || can.resolve;

  const queue = useExceptionQueue(filters);
  const detail = useException(exceptionId);
  const items = useMemo(() => queue.data?.exceptionQueue.edges.map((e) => e.node) ?? [], [queue.data]);

  const [selectedId, setSelectedId] = useState<string | null>(exceptionId);
  const [mode, setMode] = useState<ExceptionResolution | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);

  const claim = useGraphQLMutation(CLAIM_EXCEPTION_MUTATION, {
    // Someone else got there first: fetch the item again so the pane names who holds it.
    onError: () => void detail.refetch(),
  });
  const release = useGraphQLMutation(RELEASE_EXCEPTION_MUTATION);

  // A new item starts clean: no half-written form, no other item's errors or notices.
  const [shownId, setShownId] = useState(exceptionId);
  if (shownId !== exceptionId) {
    setShownId(exceptionId);
    setMode(null);
    setNotice(null);
    if (exceptionId) setSelectedId(exceptionId);
  }
  useEffect(() => {
    if (exceptionId) headingRef.current?.focus();
  }, [exceptionId, detail.data?.exception.id]);

  const open = (id: string) => {
    setSelectedId(id);
    void navigate(`/exceptions/${id}${search}`);
  };
  const setFilters = (next: Filters) => setSearchParams(searchFromFilters(next), { replace: true });

  const item = detail.data?.exception ?? null;
  const claimItem = (id: string) => {
    setNotice(null);
    claim.mutate({ id }, { onSuccess: () => setNotice('Claimed: the item is yours until you resolve or release it.') });
  };
  const startResolution = (resolution: ExceptionResolution) => {
    if (!item) return;
    const blocked = resolveBlockedReason(item, myId);
    if (blocked) {
      setNotice(blocked);
      return;
    }
    setNotice(null);
    setMode(resolution);
  };

  const onShortcut = (shortcut: QueueShortcut) => {
    const at = items.findIndex((i) => i.id === selectedId);
    switch (shortcut) {
      case 'next':
        if (items.length > 0) setSelectedId(items[at < 0 ? 0 : Math.min(at + 1, items.length - 1)]!.id);
        return;
      case 'previous':
        if (items.length > 0) setSelectedId(items[at <= 0 ? 0 : at - 1]!.id);
        return;
      case 'open':
        if (selectedId) open(selectedId);
        return;
      case 'claim': {
        if (!can.claim) return;
        const target = exceptionId ?? selectedId;
        if (!target) return;
        if (target !== exceptionId) open(target);
        claimItem(target);
        return;
      }
      case 'retry':
      case 'edit':
        if (!can.resolve) return;
        if (!exceptionId && selectedId) {
          open(selectedId);
          return;
        }
        startResolution(shortcut === 'retry' ? 'retry' : 'override_output');
        return;
    }
  };
  useQueueKeyboard(onShortcut);

  const updated = queue.dataUpdatedAt ? formatDuration(now - queue.dataUpdatedAt) : null;

  return (
    <>
      <ScreenHeader
        title="Exception queue"
        subtitle={
          <span className="exq-status">
            {queue.data ? `${items.length}${queue.data.exceptionQueue.pageInfo.hasNextPage ? '+' : ''} ${items.length === 1 ? 'item' : 'items'}` : 'Loading…'}
            {updated ? <span> · updated {updated} ago</span> : null}
            {queue.isFetching ? <span> · refreshing…</span> : null}
          </span>
        }
        actions={
          <>
            <ShortcutLegend canAct={canAct} />
            <Button variant="secondary" onClick={() => void queue.refetch()}>
              Refresh
            </Button>
          </>
        }
      />
      <QueueFilters filters={filters} onChange={setFilters} />
      <div className={exceptionId ? 'exq-layout exq-layout--split' : 'exq-layout'}>
        <section className="exq-queue" aria-label="Queue">
          {queue.error ? (
            <ErrorMessage
              title={queue.data ? 'Could not refresh the queue (showing the last answer)' : 'Could not load the queue'}
              error={queue.error}
              onRetry={() => void queue.refetch()}
            />
          ) : null}
          {queue.isPending ? (
            <p role="status">Loading the queue…</p>
          ) : items.length === 0 && queue.data ? (
            <EmptyState
              title={isFiltered(filters) ? 'No items match these filters' : 'The queue is empty'}
              description={isFiltered(filters) ? 'Clear or widen the filters to see more.' : 'Every run is on its straight-through path. New exceptions appear here on their own.'}
            />
          ) : items.length > 0 ? (
            <>
              <ExceptionTable items={items} selectedId={selectedId} openId={exceptionId} myId={myId} now={now} search={search} onOpen={open} />
              {queue.data?.exceptionQueue.pageInfo.hasNextPage ? (
                <p className="exq-hint">Showing the first {items.length} items; narrow the filters to see the rest.</p>
              ) : null}
            </>
          ) : null}
        </section>
        {exceptionId ? (
          <section className="exq-pane" aria-label="Exception detail">
            {detail.error ? (
              <ErrorMessage title="Could not load this exception" error={detail.error} onRetry={() => void detail.refetch()} />
            ) : item ? (
              <ExceptionDetail
                item={item}
                myId={myId}
                can={can}
                now={now}
                mode={mode}
                onModeChange={(next) => (next ? startResolution(next) : setMode(null))}
                onClaim={() => claimItem(item.id)}
                claimPending={claim.isPending}
                claimError={claim.variables?.id === item.id ? claim.error : null}
                onRelease={() => {
                  setNotice(null);
                  release.mutate({ id: item.id }, { onSuccess: () => setNotice('Released: the item is back in the queue.') });
                }}
                releasePending={release.isPending}
                releaseError={release.variables?.id === item.id ? release.error : null}
                notice={notice}
                onNotice={setNotice}
                headingRef={headingRef}
              />
            ) : (
              <p role="status">Loading the exception…</p>
            )}
            <p className="exq-pane__close">
              <Button variant="secondary" onClick={() => void navigate(`/exceptions${search}`)}>
                Close
              </Button>
            </p>
          </section>
        ) : null}
      </div>
    </>
  );
}
