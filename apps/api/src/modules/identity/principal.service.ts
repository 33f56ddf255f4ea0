import { inTransaction, insertPrincipal, isUuid, lockAdminRoster, lockPrincipal, PrincipalEntity, recordEvents, type Tx } from '@gatehouse/db';
import { changePrincipalRole, createPrincipal, DomainError, disablePrincipal, enablePrincipal, type Actor, type PrincipalRecord } from '@gatehouse/domain';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { forgetVerifiedKeys } from '../../identity/authenticate.js';
import { revokeSessionsOf } from '../../identity/sessions.js';

/**
 * People management (admins): load → domain (principal.ts) → save, with the audit events, in one
 * transaction. Changes that touch who is an enabled admin take the admin-roster lock first, so
 * the domain's "not the last admin" rule sees a count nobody else is changing.
 */
export class PrincipalService {
  constructor(private readonly ds: DataSource) {}

  async create(actor: Actor, input: { name: string; email: string; role: string }): Promise<PrincipalRecord> {
    return inTransaction(this.ds, async (tx) => {
      const { state, events } = createPrincipal({ id: randomUUID(), ...input }, actor, new Date());
      await insertPrincipal(tx, state);
      await recordEvents(tx, actor, events);
      return state;
    });
  }

  async setRole(actor: Actor, ref: string, role: string): Promise<PrincipalRecord> {
    const changed = await inTransaction(this.ds, async (tx) => {
      const enabledAdmins = await lockAdminRoster(tx);
      const { state, events } = changePrincipalRole(await lockPrincipalRef(tx, ref), role, actor, { enabledAdmins });
      await tx.update(PrincipalEntity, { id: state.id }, { role: state.role });
      await recordEvents(tx, actor, events);
      return state;
    });
    // Keys verified in the last two seconds carry the old role; drop them here (other API processes: VERIFIED_TTL_MS).
    forgetVerifiedKeys();
    return changed;
  }

  /** Also ends their sessions (server-side) and, with disabled_at set, their API keys stop authenticating. */
  async disable(actor: Actor, ref: string, reason: string): Promise<PrincipalRecord> {
    const disabled = await inTransaction(this.ds, async (tx) => {
      const enabledAdmins = await lockAdminRoster(tx);
      const { state, events } = disablePrincipal(await lockPrincipalRef(tx, ref), reason, actor, { enabledAdmins }, new Date());
      await tx.update(PrincipalEntity, { id: state.id }, { disabledAt: state.disabledAt });
      await revokeSessionsOf(tx, state.id);
      await recordEvents(tx, actor, events);
      return state;
    });
    forgetVerifiedKeys();
    return disabled;
  }

  /** Sessions revoked on disabling stay revoked: they sign in again. API keys work again unless revoked. */
  async enable(actor: Actor, ref: string): Promise<PrincipalRecord> {
    return inTransaction(this.ds, async (tx) => {
      const { state, events } = enablePrincipal(await lockPrincipalRef(tx, ref));
      await tx.update(PrincipalEntity, { id: state.id }, { disabledAt: null });
      await recordEvents(tx, actor, events);
      return state;
    });
  }
}

/** By id or (case-insensitive) email, disabled ones included; locked for the transaction. */
async function lockPrincipalRef(tx: Tx, ref: string): Promise<PrincipalRecord> {
  const trimmed = ref.trim();
  if (isUuid(trimmed)) return lockPrincipal(tx, trimmed);
  const [row] = (await tx.query(`SELECT id FROM principals WHERE lower(email) = $1`, [trimmed.toLowerCase()])) as Array<{ id: string }>;
  if (!row) throw new DomainError('not_found', `No principal with id or email "${trimmed}".`, { field: 'principal' });
  return lockPrincipal(tx, row.id);
}
