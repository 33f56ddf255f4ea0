import { describe, expect, it } from 'vitest';
import { diffRows, parseEdit } from './json-diff.js';

describe('diffRows', () => {
  it('lists added, removed and changed fields with their old and new values', () => {
    const rows = diffRows({ to: 'sam', body: 'Hi', cc: 'x' }, { to: 'sam', body: 'Hello Sam', urgent: true });
    expect(rows).toEqual(
      expect.arrayContaining([
        { kind: 'changed', path: 'body', before: 'Hi', after: 'Hello Sam' },
        { kind: 'removed', path: 'cc', before: 'x' },
        { kind: 'added', path: 'urgent', after: true },
      ]),
    );
    expect(rows).toHaveLength(3);
  });

  it('names nested fields and array positions, and treats an inserted item as one addition', () => {
    expect(diffRows({ a: { b: 1 } }, { a: { b: 2 } })).toEqual([{ kind: 'changed', path: 'a.b', before: 1, after: 2 }]);
    expect(diffRows({ tags: ['x', 'y'] }, { tags: ['x', 'new', 'y'] })).toEqual([{ kind: 'added', path: 'tags[1]', after: 'new' }]);
    expect(diffRows({ tags: ['x', 'y'] }, { tags: ['y'] })).toEqual([{ kind: 'removed', path: 'tags[0]', before: 'x' }]);
  });

  it('is empty for equal values and describes a replaced scalar as the whole value', () => {
    expect(diffRows({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toEqual([]);
    expect(diffRows('draft', 'edit')).toEqual([{ kind: 'changed', path: '', before: 'draft', after: 'edit' }]);
  });
});

describe('parseEdit', () => {
  it('parses JSON and explains what is not JSON', () => {
    expect(parseEdit('{"a": 1}')).toEqual({ ok: true, value: { a: 1 } });
    const bad = parseEdit('{"a": 1,}');
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.message).toMatch(/^Not valid JSON/);
    expect(parseEdit('  ')).toEqual({ ok: false, message: 'The edited proposal is empty; enter JSON.' });
  });
});
