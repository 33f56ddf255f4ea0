import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json.js';
import { canonicalInput } from './run.js';

describe('canonicalJson', () => {
  it('sorts object keys so insertion order does not matter', () => {
    const a = canonicalJson({ b: 1, a: 2, c: 3 });
    const b = canonicalJson({ c: 3, a: 2, b: 1 });
    expect(a).toBe('{"a":2,"b":1,"c":3}');
    expect(b).toBe(a);
  });

  it('sorts keys at every depth, including objects inside arrays', () => {
    const value = { z: { y: 1, x: [{ d: 1, c: 2 }, { f: { h: true, g: false } }] }, a: null };
    expect(canonicalJson(value)).toBe('{"a":null,"z":{"x":[{"c":2,"d":1},{"f":{"g":false,"h":true}}],"y":1}}');
  });

  it('orders keys exactly as the built-in sort does, for small and large objects alike', () => {
    // Integer-like keys (which Object.keys lists first), case, punctuation, non-ASCII and astral characters.
    const pool = ['10', '2', '0', 'a', 'B', 'b', 'aa', 'a_b', 'a-b', 'é', 'z', 'Z', '𝒳', '\uffff', '', ' ', 'key9', 'key10', 'ß', '_'];
    let seed = 7;
    const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    for (let round = 0; round < 200; round++) {
      const keys = pool.filter(() => random() < 0.5 + (round % 3) * 0.2).sort(() => random() - 0.5);
      const value = Object.fromEntries(keys.map((k, i) => [k, i]));
      const expected = `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${value[k]}`).join(',')}}`;
      expect(canonicalJson(value)).toBe(expected);
    }
  });

  it('keeps array order (arrays are sequences, not sets)', () => {
    expect(canonicalJson([3, 1, 2])).toBe('[3,1,2]');
    expect(canonicalJson([3, 1, 2])).not.toBe(canonicalJson([1, 2, 3]));
  });

  it('writes no whitespace and escapes strings like JSON.stringify', () => {
    expect(canonicalJson({ text: 'a "quoted"\nline', 'key with space': 'é✓' })).toBe(
      `{"key with space":${JSON.stringify('é✓')},"text":${JSON.stringify('a "quoted"\nline')}}`,
    );
  });

  it('serialises scalars', () => {
    expect(canonicalJson(null)).toBe('null');
    expect(canonicalJson(true)).toBe('true');
    expect(canonicalJson(false)).toBe('false');
    expect(canonicalJson(0)).toBe('0');
    expect(canonicalJson(-1.5)).toBe('-1.5');
    expect(canonicalJson(1e21)).toBe('1e+21');
    expect(canonicalJson('x')).toBe('"x"');
  });

  it('drops undefined (and function) members of objects, as JSON.stringify does', () => {
    expect(canonicalJson({ a: 1, b: undefined, c: () => 1 })).toBe('{"a":1}');
    expect(canonicalJson({ a: undefined })).toBe('{}');
    // so an absent member and an undefined one hash the same
    expect(canonicalJson({ a: 1, b: undefined })).toBe(canonicalJson({ a: 1 }));
  });

  it('turns undefined array items into null and a bare undefined into null', () => {
    expect(canonicalJson([1, undefined, 3])).toBe('[1,null,3]');
    expect(canonicalJson(undefined)).toBe('null');
  });

  it('serialises a Date as its ISO string, also when nested', () => {
    const at = new Date('2025-03-01T09:00:00.000Z');
    expect(canonicalJson(at)).toBe('"2025-03-01T09:00:00.000Z"');
    expect(canonicalJson({ when: at, list: [at] })).toBe('{"list":["2025-03-01T09:00:00.000Z"],"when":"2025-03-01T09:00:00.000Z"}');
  });

  it.each([NaN, Infinity, -Infinity])('throws on the non-finite number %s, even deep inside', (n) => {
    expect(() => canonicalJson(n)).toThrow(TypeError);
    expect(() => canonicalJson({ a: [{ b: n }] })).toThrow(/non-finite/);
  });

  it('throws on bigint', () => {
    expect(() => canonicalJson({ big: 10n })).toThrow(/bigint/);
  });

  it('is what run idempotency hashes use', () => {
    expect(canonicalInput({ b: [1, { y: 2, x: 1 }], a: 'z' })).toBe(canonicalInput({ a: 'z', b: [1, { x: 1, y: 2 }] }));
    expect(canonicalInput({ a: 1 })).not.toBe(canonicalInput({ a: '1' }));
  });
});
