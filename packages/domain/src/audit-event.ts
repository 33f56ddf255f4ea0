/**
 * An append-only, hash-chained record of a human decision, definition change, stage change
 * or key operation. `hash` = sha256(prevHash + canonical JSON of the other fields).
 */
export interface AuditEvent {
  seq: number;
  id: string;
  occurredAt: Date;
  actorId: string | null;
  actorRole: string;
  action: string;
  subjectType: string;
  subjectId: string;
  /** Other ids this event concerns (run, workflow), so a run's trail includes its approvals. */
  scopeIds: string[];
  data: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

export const GENESIS_HASH = '0'.repeat(64);
