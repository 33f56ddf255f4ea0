import type { JsonValue } from './json-schema.js';

/**
 * Resolves an RFC 6901 JSON Pointer ("" is the whole document). Returns undefined when any
 * segment is absent, so callers can tell "missing" from a present null.
 */
export function resolvePointer(document: JsonValue | undefined, pointer: string): JsonValue | undefined {
  if (pointer === '') return document;
  if (!pointer.startsWith('/')) return undefined;
  let current: JsonValue | undefined = document;
  for (const raw of pointer.slice(1).split('/')) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (current === null || current === undefined || typeof current !== 'object') return undefined;
    if (Array.isArray(current)) {
      if (!/^(0|[1-9]\d*)$/.test(segment)) return undefined;
      current = current[Number(segment)];
    } else {
      current = Object.prototype.hasOwnProperty.call(current, segment) ? current[segment] : undefined;
    }
  }
  return current;
}
