/**
 * Transaction-scoped advisory lock key that serialises appends, so the chain stays linear
 * however many connections append at once. (First 8 bytes of sha256("gatehouse:audit_events:append").)
 */
export const AUDIT_APPEND_LOCK_KEY = '-2711438351906209433';
