import { type DiffRow, diffRows } from '../lib/json-diff.js';

const KIND: Record<DiffRow['kind'], { label: string; symbol: string }> = {
  added: { label: 'Added', symbol: '+' },
  removed: { label: 'Removed', symbol: '−' },
  changed: { label: 'Changed', symbol: '~' },
  moved: { label: 'Moved', symbol: '↔' },
};

function Value({ value }: { readonly value: unknown }) {
  if (value === undefined) return <span className="approval-diff__none">—</span>;
  return <code className="approval-diff__value">{JSON.stringify(value, null, 1)}</code>;
}

export interface ProposalDiffProps {
  readonly draft: unknown;
  readonly edited: unknown;
  /** The table caption, e.g. "Your edit against the AI draft". */
  readonly caption: string;
}

/**
 * The reviewer's edit against the AI draft, one row per difference. The kind of change is
 * written out (and marked with a symbol) and old/new values sit in their own columns as
 * <del>/<ins>, so it reads without colour.
 */
export function ProposalDiff({ draft, edited, caption }: ProposalDiffProps) {
  const rows = diffRows(draft, edited);
  if (rows.length === 0) {
    return (
      <p className="approval-diff__empty" role="status">
        No changes: the edit is identical to the AI draft.
      </p>
    );
  }
  return (
    <table className="console-table approval-diff">
      <caption className="console-table__caption">
        {caption}: {rows.length} {rows.length === 1 ? 'change' : 'changes'}
      </caption>
      <thead>
        <tr>
          <th scope="col">Change</th>
          <th scope="col">Field</th>
          <th scope="col">AI draft</th>
          <th scope="col">Your edit</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row, i) => (
          <tr key={`${row.path}-${i}`} className={`approval-diff__row approval-diff__row--${row.kind}`}>
            <td>
              <span aria-hidden="true" className="approval-diff__symbol">
                {KIND[row.kind].symbol}
              </span>{' '}
              {KIND[row.kind].label}
            </td>
            <th scope="row">
              <code>{row.path || '(whole proposal)'}</code>
            </th>
            <td>{row.before === undefined ? <Value value={undefined} /> : <del><Value value={row.before} /></del>}</td>
            <td>{row.after === undefined ? <Value value={undefined} /> : <ins><Value value={row.after} /></ins>}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
