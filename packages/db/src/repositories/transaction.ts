import { appendAuditEvents, type AppendAuditEventInput } from '../audit/audit-log.js';
import { captureWebhookEvents } from '../webhooks/webhook-capture.js';
import { redactAuditData, SYSTEM_ACTOR_ROLE, type Actor, type DomainEvent, type PrivacyPolicy } from '@gatehouse/domain';
import type { DataSource, EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity.js';

export type Tx = EntityManager;

/** SQLSTATEs after which the whole transaction may simply run again. */
const RETRYABLE = new Set(['40P01' /* deadlock_detected */, '40001' /* serialization_failure */]);
const MAX_ATTEMPTS = 3;

export function isRetryableTransactionError(error: unknown): boolean {
  const code = (error as { driverError?: { code?: string }; code?: string } | null)?.driverError?.code ?? (error as { code?: string } | null)?.code;
  return typeof code === 'string' && RETRYABLE.has(code);
}

/**
 * Runs `work` in one READ COMMITTED transaction; everything in it commits or nothing does.
 * PostgreSQL may abort a transaction to break a deadlock or a serialization conflict; the work
 * has no effects outside the transaction, so it is run again (up to 3 attempts) rather than
 * failing the caller with an internal error.
 */
export async function inTransaction<T>(ds: DataSource, work: (tx: Tx) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await ds.transaction(work);
    } catch (error) {
      if (attempt >= MAX_ATTEMPTS || !isRetryableTransactionError(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20 * attempt));
    }
  }
}

/**
 * Writes one audit event per domain event, inside the caller's transaction, so a state change
 * and its audit record commit together. Related ids (workflow, run) become scope ids so a
 * run's or workflow's trail includes events about its approvals and exceptions. `privacy`: the
 * workflow version's policy, when the events are about one run (see auditInputFor). Events
 * integrators subscribed to are captured as webhook deliveries in the same transaction.
 */
export async function recordEvents(tx: Tx, actor: Actor | null, events: readonly DomainEvent[], privacy?: PrivacyPolicy): Promise<void> {
  const now = new Date();
  await captureWebhookEvents(tx, events.map((event) => ({ event, occurredAt: now })));
  await appendAuditEvents(tx, events.map((event) => auditInputFor(actor, event, undefined, privacy)));
}

/**
 * The audit record of a domain event; related ids become scope ids. This is the one place
 * domain events become audit rows, which are never purged: payloads and free text in the data
 * are redacted here (redactAuditData: the version's `privacy` paths when given, every detector).
 */
export function auditInputFor(actor: Actor | null, event: DomainEvent, occurredAt?: Date, privacy?: PrivacyPolicy): AppendAuditEventInput {
  const scopeIds = new Set<string>();
  for (const key of ['workflowId', 'runId'] as const) {
    const value = event.data[key];
    if (typeof value === 'string' && value !== event.subjectId) scopeIds.add(value);
  }
  return {
    actorId: actor?.id ?? null,
    actorRole: actor?.role ?? SYSTEM_ACTOR_ROLE,
    action: event.type,
    subjectType: event.subjectType,
    subjectId: event.subjectId,
    scopeIds: [...scopeIds],
    data: redactAuditData(event.data, privacy).data,
    ...(occurredAt ? { occurredAt } : {}),
  };
}

/**
 * Plain INSERT of a mapped entity. TypeORM's insert typing cannot express `unknown` jsonb
 * columns, so the cast lives here once instead of at every call site.
 */
export async function insertEntity<T extends ObjectLiteral>(tx: Tx, target: EntityTarget<T>, entity: T | T[]): Promise<void> {
  await tx.insert(target, entity as QueryDeepPartialEntity<T> | QueryDeepPartialEntity<T>[]);
}
