import { useMe } from './use-me.js';

/**
 * Whether the signed-in principal's role may call `operation` (a GraphQL field name), from the
 * API's own role table (`me.operations`). False while unknown, so action controls appear only
 * once they are known to be allowed; the API enforces every call regardless.
 */
export function useCan(operation: string): boolean {
  const me = useMe();
  return me.data?.me.operations.includes(operation) ?? false;
}

/** The signed-in principal's id, or null while unknown (e.g. to spot one's own requests). */
export function useMyId(): string | null {
  return useMe().data?.me.id ?? null;
}
