import { fromHandOff, HandOffEntity, inTransaction, isUuid, recordEvents, toHandOff } from '@gatehouse/db';
import { DomainError, recordHandOffOutcome, type Actor, type HandOffOutcome, type HandOffRecord } from '@gatehouse/domain';
import type { DataSource } from 'typeorm';

export class HandOffService {
  constructor(private readonly ds: DataSource) {}

  /** The manual path reports back; the row is locked so two reports serialize and the second sees the first. */
  recordOutcome(actor: Actor, id: string, outcome: HandOffOutcome, note: string | null): Promise<HandOffRecord> {
    if (!isUuid(id)) throw new DomainError('not_found', `No hand-off with id ${id}.`);
    return inTransaction(this.ds, async (tx) => {
      const row = await tx.findOne(HandOffEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!row) throw new DomainError('not_found', `No hand-off with id ${id}.`);
      const { state, events } = recordHandOffOutcome(toHandOff(row), outcome, note, new Date());
      await tx.save(HandOffEntity, fromHandOff(state));
      await recordEvents(tx, actor, events);
      return state;
    });
  }

  async forRun(runId: string): Promise<HandOffRecord[]> {
    const rows = await this.ds.getRepository(HandOffEntity).find({ where: { runId }, order: { createdAt: 'ASC', id: 'ASC' } });
    return rows.map(toHandOff);
  }
}
