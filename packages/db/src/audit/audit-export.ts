import { type DataSource } from 'typeorm';
import { CANONICAL_COLUMNS, toBody, type AuditEventBody, type StoredRow } from './audit-log.js';

/** One line of an export per event: the hashed body plus its links, as the verifier reads them. */
export interface ExportedAuditEvent extends AuditEventBody {
  type: 'audit_event';
  prevHash: string;
  hash: string;
}

/**
 * The export's last line. An auditor recomputes each event's hash from its line
 * (computeAuditHash(prevHash, body)), checks each line's prevHash against the line before where
 * the seqs are consecutive, and checks `lastEventHash` and `chainHeadHash` against the live
 * chain (e.g. `auditTrail`, or `verifyAuditChain`'s headHash) to know nothing was rewritten.
 */
export interface AuditExportSummary {
  type: 'audit_export';
  /** The period, ISO 8601: events with from <= occurredAt < to. */
  from: string;
  to: string;
  exportedAt: string;
  events: number;
  firstSeq: number | null;
  lastSeq: number | null;
  /** Hash of the last exported event; null when the period has none. */
  lastEventHash: string | null;
  /** The chain's head when the export was taken (same snapshot as the events). */
  chainHeadSeq: number | null;
  chainHeadHash: string | null;
}

export interface ExportAuditEventsOptions {
  from: Date;
  to: Date;
  /** Receives each line (JSON, without the newline); awaited, so a slow writer applies back-pressure. */
  write: (line: string) => Promise<void> | void;
  batchSize?: number;
}

/**
 * Writes the period's events in seq order, then the summary, all read from one REPEATABLE READ
 * snapshot so the head hash belongs to the same state of the chain as the events.
 */
export async function exportAuditEvents(ds: DataSource, options: ExportAuditEventsOptions): Promise<AuditExportSummary> {
  const { from, to, write } = options;
  if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime())) throw new TypeError('from and to must be valid dates');
  if (from.getTime() >= to.getTime()) throw new RangeError('from must be before to');
  const batchSize = options.batchSize ?? 1000;

  return ds.transaction('REPEATABLE READ', async (m) => {
    // Ordered by the column, not the text alias: as text, '9' sorts after '10'.
    const [head] = (await m.query(`SELECT a.seq::text AS seq, a.hash FROM audit_events a ORDER BY a.seq DESC LIMIT 1`)) as Array<{ seq: string; hash: string }>;
    let events = 0;
    let first: number | null = null;
    let last: { seq: number; hash: string } | null = null;
    for (;;) {
      const rows = (await m.query(
        `SELECT seq::text AS seq, id::text AS id, prev_hash, hash, ${CANONICAL_COLUMNS('e')}
         FROM audit_events e
         WHERE e.occurred_at >= $1 AND e.occurred_at < $2 AND e.seq > $3
         ORDER BY e.seq
         LIMIT $4`,
        [from.toISOString(), to.toISOString(), last?.seq ?? 0, batchSize],
      )) as StoredRow[];
      for (const row of rows) {
        const line: ExportedAuditEvent = { type: 'audit_event', ...toBody(row), prevHash: row.prev_hash, hash: row.hash };
        await write(JSON.stringify(line));
        events += 1;
        first ??= line.seq;
        last = { seq: line.seq, hash: line.hash };
      }
      if (rows.length < batchSize) break;
    }
    const summary: AuditExportSummary = {
      type: 'audit_export',
      from: from.toISOString(),
      to: to.toISOString(),
      exportedAt: new Date().toISOString(),
      events,
      firstSeq: first,
      lastSeq: last?.seq ?? null,
      lastEventHash: last?.hash ?? null,
      chainHeadSeq: head ? Number(head.seq) : null,
      chainHeadHash: head?.hash ?? null,
    };
    await write(JSON.stringify(summary));
    return summary;
  });
}
