import { create } from 'jsondiffpatch';

/** One readable difference between the AI draft and the reviewer's edit. */
export interface DiffRow {
  readonly kind: 'added' | 'removed' | 'changed' | 'moved';
  /** Where, e.g. `body` or `tags[2]`; empty for the whole value. */
  readonly path: string;
  readonly before?: unknown;
  readonly after?: unknown;
}

// Array items are matched by content, so inserting one item reads as one addition rather than
// every later item "changed".
const differ = create({ objectHash: (item: object) => JSON.stringify(item) });

function join(path: string, key: string, inArray: boolean): string {
  if (inArray) return `${path}[${key}]`;
  return path ? `${path}.${key}` : key;
}

function walk(delta: unknown, path: string, rows: DiffRow[]): void {
  if (Array.isArray(delta)) {
    if (delta.length === 1) rows.push({ kind: 'added', path, after: delta[0] });
    else if (delta.length === 2) rows.push({ kind: 'changed', path, before: delta[0], after: delta[1] });
    else if (delta[2] === 0) rows.push({ kind: 'removed', path, before: delta[0] });
    else if (delta[2] === 3) rows.push({ kind: 'moved', path, after: `to position ${String(delta[1])}` });
    return;
  }
  if (delta === null || typeof delta !== 'object') return;
  const record = delta as Record<string, unknown>;
  const inArray = record._t === 'a';
  for (const [key, child] of Object.entries(record)) {
    if (key === '_t') continue;
    // In an array delta `_3` names position 3 of the draft (removed or moved), `3` of the edit.
    const position = inArray && key.startsWith('_') ? key.slice(1) : key;
    walk(child, join(path, position, inArray), rows);
  }
}

/** The differences from `draft` to `edited`, in document order; [] when they are equal. */
export function diffRows(draft: unknown, edited: unknown): DiffRow[] {
  const delta = differ.diff(draft, edited);
  const rows: DiffRow[] = [];
  if (delta !== undefined) walk(delta, '', rows);
  return rows;
}

/** The edit as JSON, or why it is not JSON (with the parser's position). */
export function parseEdit(text: string): { ok: true; value: unknown } | { ok: false; message: string } {
  if (text.trim() === '') return { ok: false, message: 'The edited proposal is empty; enter JSON.' };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, message: `Not valid JSON: ${(error as Error).message}` };
  }
}
