import { CostAlertEntity, loadWorkflow, toCostAlert } from '@gatehouse/db';
import type { CostAlert } from '@gatehouse/domain';
import type { DataSource } from 'typeorm';
import { decodeCursor, encodeCursor, pageSize, toConnection, type Connection } from '../../graphql/connection.js';

export class CostAlertService {
  constructor(private readonly ds: DataSource) {}

  /** Newest first: the alert a person needs is the latest one. */
  async list(workflowKey: string | null, openOnly: boolean, first: number | null | undefined, after: string | null | undefined): Promise<Connection<CostAlert>> {
    const limit = pageSize(first);
    const cursor = decodeCursor(after);
    const qb = this.ds.getRepository(CostAlertEntity).createQueryBuilder('a');
    if (workflowKey) {
      const workflow = await loadWorkflow(this.ds.manager, workflowKey);
      qb.andWhere('a.workflow_id = :wid', { wid: workflow.id });
    }
    if (openOnly) qb.andWhere('a.cleared_at IS NULL');
    if (cursor) qb.andWhere('(a.raised_at, a.id) < (:cAt::timestamptz, :cId::uuid)', { cAt: String(cursor.sortValue), cId: cursor.id });
    const rows = await qb.orderBy('a.raised_at', 'DESC').addOrderBy('a.id', 'DESC').take(limit + 1).getMany();
    return toConnection(rows.map(toCostAlert), limit, (a) => encodeCursor(a.raisedAt.toISOString(), a.id));
  }
}
