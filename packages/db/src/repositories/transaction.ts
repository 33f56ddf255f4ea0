import { appendAuditEvent } from '../audit/audit-log.js';
import { SYSTEM_ACTOR_ROLE, type Actor, type DomainEvent } from '@gatehouse/domain';
import type { DataSource, EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity.js';

export type Tx = EntityManager;

/** Runs `work` in one READ COMMITTED transaction; everything in it commits or nothing does. */
export function inTransaction<T>(ds: DataSource, work: (tx: Tx) => Promise<T>): Promise<T> {
  return ds.transaction(work);
}

/**
 * Writes one audit event per domain event, inside the caller's transaction, so a state change
 * and its audit record commit together. Related ids (workflow, run) become scope ids so a
 * run's or workflow's trail includes events about its approvals and exceptions.
 */
export async function recordEvents(tx: Tx, actor: Actor | null, events: readonly DomainEvent[]): Promise<void> {
  for (const event of events) {
    const scopeIds = new Set<string>();
    for (const key of ['workflowId', 'runId'] as const) {
      const value = event.data[key];
      if (typeof value === 'string' && value !== event.subjectId) scopeIds.add(value);
    }
    await appendAuditEvent(tx, {
      actorId: actor?.id ?? null,
      actorRole: actor?.role ?? SYSTEM_ACTOR_ROLE,
      action: event.type,
      subjectType: event.subjectType,
      subjectId: event.subjectId,
      scopeIds: [...scopeIds],
      data: event.data,
    });
  }
}

/**
 * Plain INSERT of a mapped entity. TypeORM's insert typing cannot express `unknown` jsonb
 * columns, so the cast lives here once instead of at every call site.
 */
export async function insertEntity<T extends ObjectLiteral>(tx: Tx, target: EntityTarget<T>, entity: T): Promise<void> {
  await tx.insert(target, entity as QueryDeepPartialEntity<T>);
}
