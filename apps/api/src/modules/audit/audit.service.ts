import { AuditEventEntity, verifyAuditChain } from '@gatehouse/db';
import type { AuditEvent } from '@gatehouse/domain';
import type { DataSource } from 'typeorm';
import type { AuditSealer } from './audit-sealer.js';
import { decodeCursor, encodeCursor, pageSize, toConnection, type Connection } from '../../graphql/connection.js';

export function toAuditEvent(e: AuditEventEntity): AuditEvent {
  return {
    seq: e.seq,
    id: e.id,
    occurredAt: e.occurredAt,
    actorId: e.actorId,
    actorRole: e.actorRole,
    action: e.action,
    subjectType: e.subjectType,
    subjectId: e.subjectId,
    scopeIds: e.scopeIds,
    data: e.data as Record<string, unknown>,
    prevHash: e.prevHash,
    hash: e.hash,
  };
}

export class AuditService {
  constructor(
    private readonly ds: DataSource,
    private readonly sealer: AuditSealer,
  ) {}

  /** A subject's trail in order (events about it, and about its approvals/exceptions/runs). */
  async trail(subjectId: string | null | undefined, first: number | null | undefined, after: string | null | undefined): Promise<Connection<AuditEvent>> {
    const limit = pageSize(first);
    await this.sealer.sealNow(); // the trail includes events staged a moment ago
    const cursor = decodeCursor(after, 'seq');
    const qb = this.ds.getRepository(AuditEventEntity).createQueryBuilder('e');
    if (subjectId) qb.andWhere('(e.subject_id = :sid OR :sid = ANY(e.scope_ids))', { sid: subjectId });
    if (cursor) qb.andWhere('e.seq > :seq', { seq: Number(cursor.sortValue) });
    const rows = await qb.orderBy('e.seq', 'ASC').take(limit + 1).getMany();
    return toConnection(rows.map(toAuditEvent), limit, (e) => encodeCursor(e.seq, e.id));
  }

  async verify() {
    await this.sealer.sealNow();
    return verifyAuditChain(this.ds.manager);
  }
}
