import { forgetVerifiedKeys } from '../../identity/authenticate.js';
import { ApiKeyEntity, inTransaction, isUuid, PrincipalEntity, recordEvents, resolvePrincipalRef, WorkflowEntity } from '@gatehouse/db';
import { DomainError, isRole, issueApiKey, revokeApiKey, type Actor, type ApiKey, type Role } from '@gatehouse/domain';
import { randomUUID } from 'node:crypto';
import { In, type DataSource } from 'typeorm';
import { generateApiKey, hashApiKey } from '@gatehouse/db';
import type { PrincipalType } from './principal.types.js';

function toApiKey(e: ApiKeyEntity): ApiKey {
  return { id: e.id, principalId: e.principalId, name: e.name, prefix: e.prefix, createdBy: e.createdBy, createdAt: e.createdAt, revokedAt: e.revokedAt, revokedBy: e.revokedBy, lastUsedAt: e.lastUsedAt, role: e.role && isRole(e.role) ? e.role : null, workflowKeys: e.workflowKeys };
}

export class IdentityService {
  constructor(private readonly ds: DataSource) {}

  async principals(includeDisabled = false): Promise<PrincipalType[]> {
    const rows = await this.ds.getRepository(PrincipalEntity).find({ order: { role: 'ASC', name: 'ASC' } });
    return rows.filter((p) => includeDisabled || !p.disabledAt).map((p) => ({ id: p.id, name: p.name, email: p.email, role: p.role, disabledAt: p.disabledAt }));
  }

  async apiKeys(): Promise<ApiKey[]> {
    return (await this.ds.getRepository(ApiKeyEntity).find({ order: { createdAt: 'DESC' } })).map(toApiKey);
  }

  /** Returns the key's secret exactly once; only its slow hash is stored. */
  async createApiKey(
    actor: Actor,
    name: string,
    principalRef: string | null | undefined,
    scope: { role?: Role | null; workflows?: readonly string[] | null } = {},
  ): Promise<{ apiKey: ApiKey; secret: string }> {
    const { key, prefix } = generateApiKey();
    // Hashed before the transaction: the slow hash should not hold a connection and locks.
    const keyHash = await hashApiKey(key);
    return inTransaction(this.ds, async (tx) => {
      const principal = principalRef ? await resolvePrincipalRef(tx, principalRef, 'principal') : await tx.findOneByOrFail(PrincipalEntity, { id: actor.id });
      const principalRole = isRole(principal.role) ? principal.role : 'viewer';
      const { state, events } = issueApiKey({ id: randomUUID(), principalId: principal.id, name, prefix, principalRole, role: scope.role ?? null, workflowKeys: scope.workflows ?? null }, actor, new Date());
      if (state.workflowKeys) {
        const found = new Set((await tx.find(WorkflowEntity, { select: { key: true }, where: { key: In(state.workflowKeys) } })).map((w) => w.key));
        const missing = state.workflowKeys.filter((k) => !found.has(k));
        if (missing.length > 0) throw new DomainError('invalid_input', `No workflow with key ${missing.join(', ')}.`, { field: 'workflows', missing });
      }
      await tx.insert(ApiKeyEntity, { ...state, keyHash, hashScheme: 'scrypt' });
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
