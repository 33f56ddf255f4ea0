import { useEffect, useRef } from 'react';
import { Link } from 'react-router';
import type { ConsoleExceptionQueueQuery } from '../../../gql/graphql.js';
import { formatAge } from '../lib/sla.js';
import { reasonLabel } from '../lib/queue-filters.js';
import { ExceptionStatusBadge } from './exception-status-badge.js';
import { SlaCountdown } from './sla-countdown.js';

export type QueueItem = ConsoleExceptionQueueQuery['exceptionQueue']['edges'][number]['node'];

export interface ExceptionTableProps {
  readonly items: readonly QueueItem[];
  /** The keyboard selection (j/k). */
  readonly selectedId: string | null;
  /** The item open in the detail pane. */
  readonly openId: string | null;
  readonly myId: string | null;
  readonly now: number;
  /** The query string to keep when opening an item, so filters survive. */
  readonly search: string;
  readonly onOpen: (id: string) => void;
}

/** "T-1004", or the run id's first block when the integrator sent no reference. */
export function itemLabel(item: { run: { id: string; externalRef?: string | null | undefined } }): string {
  return item.run.externalRef || `run ${item.run.id.slice(0, 8)}`;
}

/** The queue as a dense table; a row click or its link opens the item. */
export function ExceptionTable({ items, selectedId, openId, myId, now, search, onOpen }: ExceptionTableProps) {
  const selectedRow = useRef<HTMLTableRowElement>(null);
  useEffect(() => {
    // Keep the keyboard selection visible in a long queue (jsdom has no scrollIntoView).
    selectedRow.current?.scrollIntoView?.({ block: 'nearest' });
  }, [selectedId]);

  return (
    <table className="console-table exq-table">
      <caption className="gh-visually-hidden">Exception queue: {items.length} items</caption>
      <thead>
        <tr>
          <th scope="col">Item</th>
          <th scope="col" className="exq-table__workflow">Workflow</th>
          <th scope="col">Reason</th>
          <th scope="col">Age</th>
          <th scope="col">SLA</th>
          <th scope="col">Assignee</th>
          <th scope="col">Status</th>
        </tr>
      </thead>
      <tbody>
        {items.map((item) => {
          const selected = item.id === selectedId;
          const classes = ['exq-table__row', selected ? 'exq-table__row--selected' : '', item.id === openId ? 'exq-table__row--open' : '']
            .filter(Boolean)
            .join(' ');
          return (
            <tr
              key={item.id}
              ref={selected ? selectedRow : undefined}
              className={classes}
              aria-current={selected ? 'true' : undefined}
              data-exception-id={item.id}
              onClick={() => onOpen(item.id)}
            >
              <td>
                <Link to={`/exceptions/${item.id}${search}`} onClick={(e) => e.stopPropagation()}>
                  {itemLabel(item)}
                </Link>
                <span className="exq-table__step"> · {item.stepId}</span>
              </td>
              <td className="exq-table__workflow">{item.workflow.name}</td>
              <td>{reasonLabel(item.reason)}</td>
              <td>
                <time dateTime={item.createdAt} title={new Date(item.createdAt).toLocaleString()}>
                  {formatAge(item.createdAt, now)}
                </time>
              </td>
              <td>
                <SlaCountdown dueAt={item.dueAt} resolved={item.status === 'resolved'} now={now} />
              </td>
              <td>{item.assignee ? (item.assignee.id === myId ? `${item.assignee.name} (you)` : item.assignee.name) : <span className="exq-muted">Unassigned</span>}</td>
              <td>
                <ExceptionStatusBadge status={item.status} />
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
