import { type EntityManager } from 'typeorm';
import { bigintToNumber } from '../entities/column-transformers.js';
import { OutboxEntity } from '../entities/outbox.entity.js';

/**
 * LISTEN/NOTIFY channel that wakes the outbox relay. The notification payload is the topic;
 * PostgreSQL folds identical notifications of one transaction into one, which is all a
 * wake-up signal needs.
 */
export const OUTBOX_CHANNEL = 'gatehouse_outbox';

export interface EnqueueOutboxInput {
  topic: string;
  /** Partitioning / ordering key, e.g. the run id. */
  key: string;
  payload: Record<string, unknown>;
  /** Not to be relayed before this time (backoff). Default: now. */
  availableAt?: Date;
}

interface OutboxRow {
  id: string;
  topic: string;
  message_key: string;
  payload: Record<string, unknown>;
  created_at: Date;
  available_at: Date;
  published_at: Date | null;
  attempts: number;
  last_error: string | null;
}

/**
 * Writes a message to the transactional outbox in the caller's transaction, so it exists
 * exactly when the state change that produced it commits, and notifies the relay. NOTIFY is
 * delivered only at commit (and never after a rollback), so a woken relay always finds the row.
 */
export async function enqueueOutbox(
  manager: EntityManager,
  input: EnqueueOutboxInput,
): Promise<OutboxEntity> {
  if (!manager.queryRunner?.isTransactionActive) {
    throw new Error('enqueueOutbox must run inside the transaction of the change it announces');
  }
  // One round trip: the insert and the wake-up notification.
  const [row] = (await manager.query(
    `WITH inserted AS (
       INSERT INTO outbox (topic, message_key, payload, available_at)
       VALUES ($1, $2, $3::jsonb, COALESCE($4::timestamptz, now()))
       RETURNING *)
     SELECT inserted.*, pg_notify($5, $1) FROM inserted`,
    [input.topic, input.key, JSON.stringify(input.payload), input.availableAt ?? null, OUTBOX_CHANNEL],
  )) as OutboxRow[];
  if (!row) throw new Error('outbox insert returned no row');

  return Object.assign(new OutboxEntity(), {
    id: bigintToNumber.from(row.id) as number,
    topic: row.topic,
    messageKey: row.message_key,
    payload: row.payload,
    createdAt: row.created_at,
    availableAt: row.available_at,
    publishedAt: row.published_at,
    attempts: row.attempts,
    lastError: row.last_error,
  });
}
