import { appendAuditEvent, inTransaction, type Tx } from '@gatehouse/db';
import { SYSTEM_ACTOR_ROLE, TERMINAL_RUN_STATUSES } from '@gatehouse/domain';
import type { DataSource } from 'typeorm';
import { startPeriodicJob, type PeriodicJob } from '../../jobs/periodic-job.js';

export interface PayloadRetentionOptions {
  /** Payloads of runs finished more than this many days ago are purged; 0: keep forever. */
  retentionDays: number;
  /** Runs purged per transaction. */
  batchSize?: number;
  now?: Date;
}

export interface PayloadRetentionResult {
  cutoff: string;
  runs: number;
  stepAttempts: number;
  approvals: number;
  exceptions: number;
  shadowOutcomes: number;
  /** Settled webhook deliveries deleted with their attempts: those of the purged runs, and those of no run (cost.drift) created before the cutoff. */
  webhookDeliveries: number;
}

export const PAYLOAD_PURGE_AUDIT_ACTION = 'payloads.purged';

/**
 * Deletes the payloads (what a customer sent and what the AI and people made of it) of runs
 * that finished before the cutoff, and keeps everything the metrics and the audit trail are
 * made of: ids, statuses, timestamps, counts, tokens, costs, confidence, decisions, agreement,
 * and every audit event (the chain is never touched). Per run, in one transaction:
 * - runs: input, output → NULL; error → its code only;
 * - step_attempts: input, output, validation, error, execution_output → NULL;
 * - approvals: proposed, edited, diff → NULL;
 * - exception_items: details → {}, resolution_output → NULL;
 * - shadow_outcomes: human_outcome, ai_outcome → NULL (agreed stays);
 * each row stamped payload_purged_at, so readers can tell "purged" from "never had one".
 *
 * Only finished runs with nothing open (no pending approval, unresolved exception or pending /
 * accepted hand-off) are purged: a run someone may still act on keeps what it needs.
 * Batched (SKIP LOCKED, so two API processes share the work), resumable (each batch commits;
 * the next round continues where a crashed one stopped) and idempotent (purged runs are never
 * selected again). One system audit event per round that purged anything, committed with
 * its last batch, carries the counts.
 */
export async function purgeExpiredPayloads(ds: DataSource, options: PayloadRetentionOptions): Promise<PayloadRetentionResult | null> {
  if (options.retentionDays <= 0) return null;
  const now = options.now ?? new Date();
  const cutoff = new Date(now.getTime() - options.retentionDays * 86_400_000);
  const batchSize = options.batchSize ?? 500;
  const total: PayloadRetentionResult = { cutoff: cutoff.toISOString(), runs: 0, stepAttempts: 0, approvals: 0, exceptions: 0, shadowOutcomes: 0, webhookDeliveries: 0 };

  for (;;) {
    const done = await inTransaction(ds, async (tx) => {
      const batch = await purgeBatch(tx, cutoff, now, batchSize);
      total.runs += batch.runs;
      total.stepAttempts += batch.stepAttempts;
      total.approvals += batch.approvals;
      total.exceptions += batch.exceptions;
      total.shadowOutcomes += batch.shadowOutcomes;
      total.webhookDeliveries += batch.webhookDeliveries;
      const last = batch.runs < batchSize;
      if (last) total.webhookDeliveries += await purgeRunlessDeliveries(tx, cutoff);
      if (last && (total.runs > 0 || total.webhookDeliveries > 0)) {
        await appendAuditEvent(tx, {
          actorId: null,
          actorRole: SYSTEM_ACTOR_ROLE,
          action: PAYLOAD_PURGE_AUDIT_ACTION,
          subjectType: 'retention',
          subjectId: 'payload-retention',
          data: { ...total, retentionDays: options.retentionDays },
          occurredAt: now,
        });
      }
      return last;
    });
    if (done) return total;
  }
}

async function purgeBatch(tx: Tx, cutoff: Date, now: Date, limit: number): Promise<Omit<PayloadRetentionResult, 'cutoff'>> {
  const ids = ((await tx.query(
    `SELECT r.id::text AS id FROM runs r
      WHERE r.payload_purged_at IS NULL AND r.finished_at IS NOT NULL AND r.finished_at < $1 AND r.status = ANY($2::text[])
        AND NOT EXISTS (SELECT 1 FROM approvals a WHERE a.run_id = r.id AND a.status = 'pending')
        AND NOT EXISTS (SELECT 1 FROM exception_items x WHERE x.run_id = r.id AND x.status <> 'resolved')
        AND NOT EXISTS (SELECT 1 FROM hand_offs h WHERE h.run_id = r.id AND h.status IN ('pending', 'accepted'))
      ORDER BY r.finished_at, r.id
      LIMIT $3
      FOR UPDATE OF r SKIP LOCKED`,
    [cutoff, [...TERMINAL_RUN_STATUSES], limit],
  )) as Array<{ id: string }>).map((r) => r.id);
  if (ids.length === 0) return { runs: 0, stepAttempts: 0, approvals: 0, exceptions: 0, shadowOutcomes: 0, webhookDeliveries: 0 };

  const count = async (sql: string) => ((await tx.query(sql, [ids, now])) as [unknown[], number])[1];
  const stepAttempts = await count(
    `UPDATE step_attempts SET input = NULL, output = NULL, validation = NULL, error = NULL, execution_output = NULL, payload_purged_at = $2
      WHERE run_id = ANY($1::uuid[]) AND payload_purged_at IS NULL`,
  );
  // N-of-M decisions keep each edit too (approval_decisions.edited); purged with the approval.
  await tx.query(
    `UPDATE approval_decisions d SET edited = NULL FROM approvals a WHERE d.approval_id = a.id AND a.run_id = ANY($1::uuid[]) AND a.payload_purged_at IS NULL AND d.edited IS NOT NULL`,
    [ids],
  );
  const approvals = await count(`UPDATE approvals SET proposed = NULL, edited = NULL, diff = NULL, payload_purged_at = $2 WHERE run_id = ANY($1::uuid[]) AND payload_purged_at IS NULL`);
  const exceptions = await count(
    `UPDATE exception_items SET details = '{}'::jsonb, resolution_output = NULL, payload_purged_at = $2 WHERE run_id = ANY($1::uuid[]) AND payload_purged_at IS NULL`,
  );
  const shadowOutcomes = await count(
    `UPDATE shadow_outcomes SET human_outcome = NULL, ai_outcome = NULL, payload_purged_at = $2 WHERE run_id = ANY($1::uuid[]) AND payload_purged_at IS NULL`,
  );
  // Deliveries of the run's events that are settled (sent, or given up): nothing reads them after
  // retention, and without this the table would grow with every event forever. Pending ones stay
  // (a receiver may still be waiting for them); their attempts go with them (ON DELETE CASCADE).
  const webhookDeliveries = ((await tx.query(`DELETE FROM webhook_deliveries WHERE run_id = ANY($1::uuid[]) AND status <> 'pending'`, [ids])) as [unknown[], number])[1];
  // The error's code stays (it says how the run ended); its message may quote the payload.
  const runs = await count(
    `UPDATE runs SET input = NULL, output = NULL,
            error = CASE WHEN error IS NULL THEN NULL ELSE jsonb_build_object('code', error->'code', 'message', 'Purged by retention.') END,
            payload_purged_at = $2
      WHERE id = ANY($1::uuid[])`,
  );
  return { runs, stepAttempts, approvals, exceptions, shadowOutcomes, webhookDeliveries };
}

/**
 * Settled deliveries of events that belong to no run (cost.drift) created before the cutoff:
 * they have no run whose purge would take them, and the table would otherwise grow forever.
 */
async function purgeRunlessDeliveries(tx: Tx, cutoff: Date): Promise<number> {
  const result = (await tx.query(`DELETE FROM webhook_deliveries WHERE run_id IS NULL AND status <> 'pending' AND created_at < $1`, [cutoff])) as [unknown[], number];
  return result[1];
}

/** The API's background retention: a round every `intervalMs` (0: never), purging payloads older than `retentionDays` (0: never). */
export function startPayloadRetention(
  ds: DataSource,
  options: { intervalMs: number; retentionDays: number; batchSize?: number },
  logger: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void },
): PeriodicJob {
  if (options.retentionDays <= 0) return startPeriodicJob('payload retention', 0, async () => undefined, logger);
  return startPeriodicJob(
    'payload retention',
    options.intervalMs,
    async () => {
      const result = await purgeExpiredPayloads(ds, { retentionDays: options.retentionDays, ...(options.batchSize ? { batchSize: options.batchSize } : {}) });
      if (result && result.runs > 0) logger.info(result, 'purged payloads past retention');
    },
    logger,
  );
}
