import { Link, useLocation } from 'react-router';
import type { ConsoleApprovalsQuery } from '../../../gql/graphql.js';
import { formatDateTime, formatRelative, humanise } from '../../runs/lib/format.js';

type ApprovalRow = ConsoleApprovalsQuery['approvals']['edges'][number]['node'];

export interface ApprovalListProps {
  readonly approvals: readonly ApprovalRow[];
  readonly selectedId: string | null;
  readonly now: number;
  readonly caption: string;
}

/** The inbox as a table: what is proposed, for which run, by whom, how old and when due. */
export function ApprovalList({ approvals, selectedId, now, caption }: ApprovalListProps) {
  const { search } = useLocation();
  return (
    <table className="console-table approvals-table">
      <caption className="console-table__caption">{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Action</th>
          <th scope="col">Workflow</th>
          <th scope="col">Run</th>
          <th scope="col">Requested by</th>
          <th scope="col">Age</th>
          <th scope="col">Due</th>
        </tr>
      </thead>
      <tbody>
        {approvals.map((a) => {
          const selected = a.id === selectedId;
          const overdue = a.status === 'pending' && a.dueAt !== null && new Date(a.dueAt).getTime() < now;
          return (
            <tr key={a.id} className={selected ? 'approvals-table__row--selected' : undefined}>
              <th scope="row">
                <Link to={{ pathname: `/approvals/${a.id}`, search }} aria-current={selected ? 'true' : undefined}>
                  {a.actionName ?? a.stepId}
                </Link>
                <span className="approvals-table__class">
                  {humanise(a.actionClass)}
                  {a.status !== 'pending' ? ` · ${a.status}` : ''}
                </span>
              </th>
              <td>{a.workflow.name}</td>
              <td>{a.run.externalRef ?? a.run.id.slice(0, 8)}</td>
              <td>{a.requestedBy?.name ?? '—'}</td>
              <td>
                <time dateTime={a.createdAt} title={formatDateTime(a.createdAt)}>
                  {formatRelative(a.createdAt, now).replace(/ ago$/, '')}
                </time>
              </td>
              <td className={overdue ? 'approvals-overdue' : undefined}>
                {a.dueAt ? (
                  <time dateTime={a.dueAt} title={formatDateTime(a.dueAt)}>
                    {overdue ? `overdue ${formatRelative(a.dueAt, now).replace(/ ago$/, '')}` : formatRelative(a.dueAt, now)}
                  </time>
                ) : (
                  '—'
                )}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
