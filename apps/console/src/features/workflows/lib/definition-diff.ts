import { create } from 'jsondiffpatch';
import { format as toJsonPatch, patch as applyJsonPatch, type Op } from 'jsondiffpatch/formatters/jsonpatch';

export interface DefinitionChange {
  readonly kind: 'added' | 'removed' | 'changed' | 'moved';
  /** A readable location: steps[reply].actionClass rather than /steps/4/actionClass. */
  readonly path: string;
  readonly before: unknown;
  readonly after: unknown;
}

/*
 * Array items are matched by their id (steps) or name (actions, hand-offs), so inserting a step
 * shows one added step instead of every later step "changed".
 */
const differ = create({
  objectHash: (item: object, index?: number) => {
    const o = item as { id?: unknown; name?: unknown };
    if (typeof o.id === 'string') return `id:${o.id}`;
    if (typeof o.name === 'string') return `name:${o.name}`;
    return `#${index ?? JSON.stringify(item)}`;
  },
  arrays: { detectMove: true },
  // No textDiff option: without diff-match-patch, changed strings are whole before/after values.
});

function unescape(token: string): string {
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}

function valueAt(document: unknown, pointer: string): unknown {
  if (pointer === '') return document;
  let current: unknown = document;
  for (const token of pointer.slice(1).split('/').map(unescape)) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[token];
  }
  return current;
}

/** /steps/4/actionClass → steps[reply].actionClass, naming array items by id/name when they have one. */
function readablePath(document: unknown, pointer: string): string {
  if (pointer === '') return '(whole definition)';
  let current: unknown = document;
  let out = '';
  for (const token of pointer.slice(1).split('/').map(unescape)) {
    if (Array.isArray(current)) {
      const item: unknown = current[Number(token)];
      const label = item && typeof item === 'object' ? ((item as { id?: unknown; name?: unknown }).id ?? (item as { name?: unknown }).name) : undefined;
      out += typeof label === 'string' ? `[${label}]` : `[${token}]`;
      current = item;
    } else {
      out += out === '' ? token : `.${token}`;
      current = current && typeof current === 'object' ? (current as Record<string, unknown>)[token] : undefined;
    }
  }
  return out;
}

const KIND: Record<Op['op'], DefinitionChange['kind']> = { add: 'added', remove: 'removed', replace: 'changed', move: 'moved' };

/**
 * The changes from `left` to `right`, one row per JSON Patch operation. Each operation is
 * applied in turn to a copy of `left`, so "before" is the value at that path at that moment
 * (array indices shift as earlier operations apply).
 */
export function diffDefinitions(left: unknown, right: unknown): DefinitionChange[] {
  const delta = differ.diff(left, right);
  if (!delta) return [];
  const ops = toJsonPatch(delta);
  const working = structuredClone(left);
  return ops.map((op) => {
    const pathPointer = op.op === 'add' ? op.path : op.op === 'move' ? op.from : op.path;
    const before = op.op === 'add' ? undefined : valueAt(working, pathPointer);
    const after = op.op === 'remove' ? undefined : op.op === 'move' ? before : op.value;
    const path = op.op === 'add' ? readablePath(right, op.path) : readablePath(working, pathPointer);
    applyJsonPatch(working, [op]);
    return { kind: KIND[op.op], path: op.op === 'move' ? `${path} → position ${op.path.split('/').at(-1)}` : path, before, after };
  });
}
