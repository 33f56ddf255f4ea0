import { DomainError } from '@gatehouse/domain';

/** Deeper JSON than this is refused: no workflow input or definition needs it, and the
 * recursive code downstream (hashing, schema validation, the driver) would overflow the stack. */
export const MAX_ARGUMENT_DEPTH = 100;

/**
 * Arguments PostgreSQL or the process cannot handle would otherwise surface as internal errors
 * after part of the work ran: U+0000 in text or jsonb, and absurdly deep JSON. Refuse them up
 * front as BAD_USER_INPUT, naming where the problem is.
 */
export function refuseUnusableArguments(args: Record<string, unknown>): void {
  // Iterative, so the check itself cannot overflow the stack.
  const pending: Array<{ value: unknown; path: string; depth: number }> = [{ value: args, path: '', depth: 0 }];
  while (pending.length > 0) {
    const { value, path, depth } = pending.pop()!;
    if (typeof value === 'string') {
      if (value.includes('\u0000')) throw nul(path);
      continue;
    }
    if (value === null || typeof value !== 'object' || value instanceof Date) continue;
    if (depth > MAX_ARGUMENT_DEPTH) {
      throw new DomainError('invalid_input', `${path} is nested more than ${MAX_ARGUMENT_DEPTH} levels deep; flatten it.`, { field: path });
    }
    const entries: Array<[string, unknown]> = Array.isArray(value) ? value.map((v, i) => [String(i), v]) : Object.entries(value);
    for (const [key, member] of entries) {
      const at = `${path}/${key.replaceAll('\u0000', '\\u0000')}`;
      if (key.includes('\u0000')) throw nul(at);
      pending.push({ value: member, path: at, depth: depth + 1 });
    }
  }
}

function nul(path: string): DomainError {
  return new DomainError('invalid_input', `${path} contains a NUL character (\\u0000), which cannot be stored; remove it.`, { field: path });
}
