import { forgetVerifiedKeys } from '../../identity/authenticate.js';
import { ApiKeyEntity, inTransaction, isUuid, PrincipalEntity, recordEvents, resolvePrincipalRef } from '@gatehouse/db';
import { DomainError, issueApiKey, revokeApiKey, type Actor, type ApiKey } from '@gatehouse/domain';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { generateApiKey, hashApiKey } from '../../identity/api-key-secret.js';
import type { PrincipalType } from './principal.types.js';

function toApiKey(e: ApiKeyEntity): ApiKey {
  return { id: e.id, principalId: e.principalId, name: e.name, prefix: e.prefix, createdBy: e.createdBy, createdAt: e.createdAt, revokedAt: e.revokedAt, revokedBy: e.revokedBy, lastUsedAt: e.lastUsedAt };
}

export class IdentityService {
  constructor(private readonly ds: DataSource) {}

  async principals(): Promise<PrincipalType[]> {
    const rows = await this.ds.getRepository(PrincipalEntity).find({ order: { role: 'ASC', name: 'ASC' } });
    return rows.filter((p) => !p.disabledAt).map((p) => ({ id: p.id, name: p.name, email: p.email, role: p.role }));
  }

  async apiKeys(): Promise<ApiKey[]> {
    return (await this.ds.getRepository(ApiKeyEntity).find({ order: { createdAt: 'DESC' } })).map(toApiKey);
  }

  /** Returns the key's secret exactly once; only its hash is stored. */
  createApiKey(actor: Actor, name: string, principalRef: string | null | undefined): Promise<{ apiKey: ApiKey; secret: string }> {
    return inTransaction(this.ds, async (tx) => {
      const principal = principalRef ? await resolvePrincipalRef(tx, principalRef, 'principal') : await tx.findOneByOrFail(PrincipalEntity, { id: actor.id });
      const { key, prefix } = generateApiKey();
      const { state, events } = issueApiKey({ id: randomUUID(), principalId: principal.id, name, prefix }, actor, new Date());
      await tx.insert(ApiKeyEntity, { ...state, keyHash: hashApiKey(key) });
      await recordEvents(tx, actor, events);
      return { apiKey: state, secret: key };
    });
  }

  async revokeApiKey(actor: Actor, id: string): Promise<ApiKey> {
    const revoked = await inTransaction(this.ds, async (tx) => {
      const row = isUuid(id) ? await tx.findOne(ApiKeyEntity, { where: { id }, lock: { mode: 'pessimistic_write' } }) : null;
      if (!row) throw new DomainError('not_found', `No API key with id ${id}.`);
      const { state, events } = revokeApiKey(toApiKey(row), actor, new Date());
      await tx.update(ApiKeyEntity, { id }, { revokedAt: state.revokedAt, revokedBy: state.revokedBy });
      await recordEvents(tx, actor, events);
      return state;
    });
    forgetVerifiedKeys();
    return revoked;
  }
}
