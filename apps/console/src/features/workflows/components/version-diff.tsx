import { useId, useMemo, useState } from 'react';
import { diffDefinitions } from '../lib/definition-diff.js';

interface VersionLike {
  readonly version: number;
  readonly status: string;
  readonly definition: Record<string, unknown>;
}

function show(value: unknown): string {
  if (value === undefined) return '—';
  return typeof value === 'string' ? value : JSON.stringify(value, null, 2);
}

const KIND_LABEL = { added: 'Added', removed: 'Removed', changed: 'Changed', moved: 'Moved' } as const;

/**
 * The difference between two versions' definitions as a table (what, where, before, after): a
 * screen reader reads it row by row, and the change is never carried by colour alone.
 */
export function VersionDiff({ versions }: { readonly versions: readonly VersionLike[] }) {
  const fromId = useId();
  const toId = useId();
  // versions are newest first: compare the previous version with the newest by default.
  const [to, setTo] = useState(versions[0]?.version ?? 0);
  const [from, setFrom] = useState(versions[1]?.version ?? versions[0]?.version ?? 0);
  const left = versions.find((v) => v.version === from);
  const right = versions.find((v) => v.version === to);
  const changes = useMemo(() => (left && right ? diffDefinitions(left.definition, right.definition) : []), [left, right]);

  if (versions.length < 2) {
    return <p className="wf-muted">Only one version exists; propose another to compare definitions.</p>;
  }
  const option = (v: VersionLike) => (
    <option key={v.version} value={v.version}>
      v{v.version} ({v.status})
    </option>
  );
  return (
    <div className="wf-diff">
      <div className="wf-diff__pickers">
        <label htmlFor={fromId}>From</label>
        <select id={fromId} value={from} onChange={(e) => setFrom(Number(e.target.value))}>
          {versions.map(option)}
        </select>
        <label htmlFor={toId}>To</label>
        <select id={toId} value={to} onChange={(e) => setTo(Number(e.target.value))}>
          {versions.map(option)}
        </select>
      </div>
      {from === to ? (
        <p className="wf-muted">Choose two different versions.</p>
      ) : changes.length === 0 ? (
        <p>
          v{from} and v{to} have identical definitions.
        </p>
      ) : (
        <table className="console-table wf-diff__table">
          <caption className="console-table__caption">
            {changes.length === 1 ? '1 change' : `${changes.length} changes`} from v{from} to v{to}
          </caption>
          <thead>
            <tr>
              <th scope="col">Change</th>
              <th scope="col">Where</th>
              <th scope="col">v{from}</th>
              <th scope="col">v{to}</th>
            </tr>
          </thead>
          <tbody>
            {changes.map((c, i) => (
              <tr key={`${c.path}-${i}`} data-change={c.kind}>
                <td>
                  <span className={`wf-change wf-change--${c.kind}`}>{KIND_LABEL[c.kind]}</span>
                </td>
                <td>
                  <code>{c.path}</code>
                </td>
                <td>
                  <pre className="wf-json wf-json--before">{show(c.before)}</pre>
                </td>
                <td>
                  <pre className="wf-json wf-json--after">{show(c.after)}</pre>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
