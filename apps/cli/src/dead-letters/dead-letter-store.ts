import { type Tx } from '@gatehouse/db';
import { parseStepDispatch } from '@gatehouse/domain';

export interface DeadLetterRow {
  id: number;
  transport: string;
  topic: string;
  payload: string;
  reason: string;
  runId: string | null;
  createdAt: Date;
  replayedAt: Date | null;
}

export interface DeadLetterFilter {
  id?: number | null;
  runId?: string | null;
  since?: Date | null;
  /** Only those not replayed yet. */
  unreplayedOnly?: boolean;
  /** Only ids above this one (for paging through --all). */
  afterId?: number;
  limit?: number;
}

interface Queryable {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

/** Oldest first. A row's run is its run_id column, else the runId its payload names. */
export async function findDeadLetters(db: Queryable, filter: DeadLetterFilter): Promise<DeadLetterRow[]> {
  const rows = (await db.query(
    `SELECT id::int AS id, transport, topic, payload, reason, run_id::text AS run_id, created_at, replayed_at
       FROM dead_letters
      WHERE ($1::bigint IS NULL OR id = $1)
        AND ($2::uuid IS NULL OR run_id = $2)
        AND ($3::timestamptz IS NULL OR created_at >= $3)
        AND (NOT $4 OR replayed_at IS NULL)
        AND id > $5
      ORDER BY id
      LIMIT $6`,
    [filter.id ?? null, filter.runId ?? null, filter.since ?? null, filter.unreplayedOnly ?? false, filter.afterId ?? 0, filter.limit ?? 1000],
  )) as Array<{ id: number; transport: string; topic: string; payload: string; reason: string; run_id: string | null; created_at: Date; replayed_at: Date | null }>;
  return rows.map((r) => ({
    id: r.id,
    transport: r.transport,
    topic: r.topic,
    payload: r.payload,
    reason: r.reason,
    runId: r.run_id ?? runIdOfPayload(r.payload),
    createdAt: r.created_at,
    replayedAt: r.replayed_at,
  }));
}

export async function countDeadLetters(db: Queryable, filter: Omit<DeadLetterFilter, 'afterId' | 'limit'>): Promise<number> {
  const [row] = (await db.query(
    `SELECT count(*)::int AS n FROM dead_letters
      WHERE ($1::bigint IS NULL OR id = $1) AND ($2::uuid IS NULL OR run_id = $2) AND ($3::timestamptz IS NULL OR created_at >= $3) AND (NOT $4 OR replayed_at IS NULL)`,
    [filter.id ?? null, filter.runId ?? null, filter.since ?? null, filter.unreplayedOnly ?? false],
  )) as Array<{ n: number }>;
  return row?.n ?? 0;
}

/** The dead letter row, locked for the replay. */
export async function lockDeadLetter(tx: Tx, id: number): Promise<{ replayedAt: Date | null } | null> {
  const [row] = (await tx.query(`SELECT replayed_at FROM dead_letters WHERE id = $1 FOR UPDATE`, [id])) as Array<{ replayed_at: Date | null }>;
  return row ? { replayedAt: row.replayed_at } : null;
}

export async function markReplayed(tx: Tx, id: number): Promise<void> {
  await tx.query(`UPDATE dead_letters SET replayed_at = now() WHERE id = $1`, [id]);
}

/** A dispatch of the run still waiting in the outbox, or parked while its workflow is paused. */
export async function hasPendingDispatch(tx: Tx, topic: string, runId: string): Promise<boolean> {
  const [row] = (await tx.query(
    `SELECT EXISTS (SELECT 1 FROM outbox WHERE topic = $1 AND message_key = $2 AND published_at IS NULL)
         OR EXISTS (SELECT 1 FROM parked_dispatches WHERE run_id = $2::uuid) AS pending`,
    [topic, runId],
  )) as Array<{ pending: boolean }>;
  return row?.pending ?? false;
}

function runIdOfPayload(payload: string): string | null {
  const parsed = parseStepDispatch(payload);
  return parsed.ok ? parsed.dispatch.runId : parsed.runId;
}
