import { type DeadLetter } from './transport.js';

/** A row of the dead_letters table, as both transports write it. */
export interface DeadLetterRecord {
  topic: string;
  key: string | null;
  /** The message as received (Postgres: the payload's JSON text; Kafka: the value as UTF-8). */
  payload: string;
  reason: string;
  runId: string | null;
}

interface Queryable {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Inserts dead letters in one statement. run_id is a uuid column: a run id that is not a uuid
 * (garbage claiming to be a dispatch) is dropped rather than failing the insert, which would
 * block the message's partition or row forever.
 */
export async function insertDeadLetters(
  db: Queryable,
  transport: 'kafka' | 'postgres',
  records: DeadLetterRecord[],
): Promise<void> {
  if (records.length === 0) return;
  await db.query(
    `INSERT INTO dead_letters (transport, topic, message_key, payload, reason, run_id)
     SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::uuid[])`,
    [
      transport,
      records.map((r) => r.topic),
      records.map((r) => r.key),
      records.map((r) => storableText(r.payload)),
      records.map((r) => storableText(r.reason)),
      records.map((r) => (r.runId && UUID.test(r.runId) ? r.runId : null)),
    ],
  );
}

/** The handler's run id for a dead letter, else the `runId` the message itself carries. */
export function deadLetterRunId(deadLetter: DeadLetter): string | null {
  if (deadLetter.runId) return deadLetter.runId;
  try {
    const decoded: unknown = JSON.parse(deadLetter.delivery.value);
    if (decoded && typeof decoded === 'object' && 'runId' in decoded && typeof decoded.runId === 'string') {
      return decoded.runId;
    }
  } catch {
    // garbage: no run to attach it to
  }
  return null;
}

/** PostgreSQL text cannot hold NUL; Kafka garbage can. The DLQ topic keeps the exact bytes. */
function storableText(text: string): string {
  return text.replaceAll('\u0000', '\uFFFD');
}
