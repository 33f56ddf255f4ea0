/**
 * Canonical JSON: object keys sorted, no whitespace, `undefined` members dropped (as
 * JSON.stringify does). Two structurally equal values always produce the same string, which
 * is what the audit hash chain and idempotency hashes need. PostgreSQL's jsonb reorders keys,
 * so anything hashed must be hashed in this form, never in insertion order.
 */
export function canonicalJson(value: unknown): string {
  return serialize(value) ?? 'null';
}

function serialize(value: unknown): string | undefined {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) {
        throw new TypeError('canonicalJson: non-finite numbers have no JSON form');
      }
      return JSON.stringify(value);
    case 'bigint':
      throw new TypeError('canonicalJson: bigint has no JSON form; convert it to a string');
    case 'string':
      return JSON.stringify(value);
    case 'object': {
      if (value instanceof Date) return JSON.stringify(value.toISOString());
      // Built by concatenation, keys sorted in place: this runs for every audit event the API
      // and the runners hash and every input startRun hashes, so it should make little garbage.
      if (Array.isArray(value)) {
        let out = '[';
        for (let i = 0; i < value.length; i++) out += (i > 0 ? ',' : '') + (serialize(value[i]) ?? 'null');
        return out + ']';
      }
      const record = value as Record<string, unknown>;
      const keys = sortedInPlace(Object.keys(record));
      let out = '{';
      for (const key of keys) {
        const serialized = serialize(record[key]);
        if (serialized !== undefined) out += (out.length > 1 ? ',' : '') + JSON.stringify(key) + ':' + serialized;
      }
      return out + '}';
    }
    default:
      return undefined;
  }
}

/**
 * Sorts keys as Array.prototype.sort() does (by UTF-16 code units), in place: insertion sort for
 * the few keys of a typical object, which allocates nothing, unlike the built-in sort's work area.
 */
function sortedInPlace(keys: string[]): string[] {
  if (keys.length > 16) return keys.sort();
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i]!;
    let j = i - 1;
    while (j >= 0 && keys[j]! > key) {
      keys[j + 1] = keys[j]!;
      j--;
    }
    keys[j + 1] = key;
  }
  return keys;
}
