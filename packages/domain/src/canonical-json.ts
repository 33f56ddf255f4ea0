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
      if (Array.isArray(value)) {
        return `[${value.map((item) => serialize(item) ?? 'null').join(',')}]`;
      }
      const record = value as Record<string, unknown>;
      const members: string[] = [];
      for (const key of Object.keys(record).sort()) {
        const serialized = serialize(record[key]);
        if (serialized !== undefined) members.push(`${JSON.stringify(key)}:${serialized}`);
      }
      return `{${members.join(',')}}`;
    }
    default:
      return undefined;
  }
}
