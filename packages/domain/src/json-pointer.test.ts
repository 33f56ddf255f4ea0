import { describe, expect, it } from 'vitest';
import type { JsonValue } from './json-schema.js';
import { resolvePointer } from './json-pointer.js';

/** The example document of RFC 6901 §5, with a few extra members for the edge cases. */
const doc: JsonValue = {
  foo: ['bar', 'baz'],
  '': 0,
  'a/b': 1,
  'c%d': 2,
  'e^f': 3,
  'g|h': 4,
  'i\\j': 5,
  'k"l': 6,
  ' ': 7,
  'm~n': 8,
  '~1': 9,
  nested: { deep: { value: 'x', nothing: null, zero: 0, no: false, empty: '' } },
  list: [{ id: 'first' }, { id: 'second' }],
};

describe('resolvePointer', () => {
  it('returns the whole document for the empty pointer', () => {
    expect(resolvePointer(doc, '')).toBe(doc);
    expect(resolvePointer('plain', '')).toBe('plain');
    expect(resolvePointer(null, '')).toBeNull();
  });

  it.each([
    ['/foo', ['bar', 'baz']],
    ['/foo/0', 'bar'],
    ['/foo/1', 'baz'],
    ['/', 0],
    ['/a~1b', 1],
    ['/c%d', 2],
    ['/e^f', 3],
    ['/g|h', 4],
    ['/i\\j', 5],
    ['/k"l', 6],
    ['/ ', 7],
    ['/m~0n', 8],
  ] as const)('resolves the RFC 6901 example %j', (pointer, expected) => {
    expect(resolvePointer(doc, pointer)).toEqual(expected);
  });

  it('unescapes ~1 before ~0, so "~01" means the key "~1" and not "/"', () => {
    expect(resolvePointer(doc, '/~01')).toBe(9);
    expect(resolvePointer({ '~/': 'tilde-slash' }, '/~0~1')).toBe('tilde-slash');
  });

  it('walks nested objects and arrays', () => {
    expect(resolvePointer(doc, '/nested/deep/value')).toBe('x');
    expect(resolvePointer(doc, '/list/1/id')).toBe('second');
    expect(resolvePointer([[1, 2], [3, [4, 5]]], '/1/1/0')).toBe(4);
  });

  it('tells a present null (and other falsy values) from an absent member', () => {
    expect(resolvePointer(doc, '/nested/deep/nothing')).toBeNull();
    expect(resolvePointer(doc, '/nested/deep/zero')).toBe(0);
    expect(resolvePointer(doc, '/nested/deep/no')).toBe(false);
    expect(resolvePointer(doc, '/nested/deep/empty')).toBe('');
    expect(resolvePointer(doc, '/nested/deep/absent')).toBeUndefined();
  });

  it('is undefined below a null, a string, a number or a boolean', () => {
    expect(resolvePointer(doc, '/nested/deep/nothing/x')).toBeUndefined();
    expect(resolvePointer(doc, '/nested/deep/value/0')).toBeUndefined();
    expect(resolvePointer(doc, '/nested/deep/value/length')).toBeUndefined();
    expect(resolvePointer(doc, '/nested/deep/zero/x')).toBeUndefined();
    expect(resolvePointer(doc, '/nested/deep/no/x')).toBeUndefined();
  });

  it('is undefined for any pointer into an undefined document', () => {
    expect(resolvePointer(undefined, '/a')).toBeUndefined();
    expect(resolvePointer(undefined, '')).toBeUndefined();
  });

  it.each(['/foo/2', '/foo/-', '/foo/01', '/foo/-1', '/foo/1.0', '/foo/ 1', '/foo/', '/foo/length', '/foo/1e0'])(
    'is undefined for the array index %j (out of range or not a canonical index)',
    (pointer) => {
      expect(resolvePointer(doc, pointer)).toBeUndefined();
    },
  );

  it('reads index 0 and a multi-digit index', () => {
    const eleven = Array.from({ length: 12 }, (_, i) => i * 10);
    expect(resolvePointer(eleven, '/0')).toBe(0);
    expect(resolvePointer(eleven, '/11')).toBe(110);
  });

  it('only sees own members, never inherited ones', () => {
    expect(resolvePointer({ a: 1 }, '/constructor')).toBeUndefined();
    expect(resolvePointer({ a: 1 }, '/toString')).toBeUndefined();
    expect(resolvePointer({ a: 1 }, '/__proto__')).toBeUndefined();
    expect(resolvePointer({ a: 1 }, '/hasOwnProperty')).toBeUndefined();
  });

  it('reads a member literally named like an Object.prototype method when it is present', () => {
    expect(resolvePointer({ constructor: 'mine' }, '/constructor')).toBe('mine');
  });

  it.each(['foo', 'foo/0', '#/foo', ' /foo'])('is undefined for %j, which does not start with "/"', (pointer) => {
    expect(resolvePointer(doc, pointer)).toBeUndefined();
  });

  it('treats a trailing "/" as a last segment named ""', () => {
    expect(resolvePointer({ a: { '': 'empty key' } }, '/a/')).toBe('empty key');
    expect(resolvePointer({ a: { b: 1 } }, '/a/')).toBeUndefined();
  });

  it('does not modify the document', () => {
    const before = structuredClone(doc);
    resolvePointer(doc, '/list/0/id');
    expect(doc).toEqual(before);
  });
});
