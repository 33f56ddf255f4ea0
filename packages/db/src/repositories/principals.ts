import { DomainError, isRole, type PrincipalRecord } from '@gatehouse/domain';
import { PrincipalEntity } from '../entities/index.js';
import type { Tx } from './transaction.js';

/**
 * Transaction-scoped advisory lock that serialises every change to who is an enabled admin
 * (API mutations, the CLI's bootstrap-admin), so "the last admin" and "no admin yet" are decided
 * on a count nobody else is changing. (First 8 bytes of sha256("gatehouse:principals:admins").)
 */
const ADMIN_ROSTER_LOCK_KEY = '7052853294291387226';

/** Takes the admin-roster lock and returns how many enabled admins there are. */
export async function lockAdminRoster(tx: Tx): Promise<number> {
  await tx.query(`SELECT pg_advisory_xact_lock($1::bigint)`, [ADMIN_ROSTER_LOCK_KEY]);
  const [row] = (await tx.query(`SELECT count(*)::int AS n FROM principals WHERE role = 'admin' AND disabled_at IS NULL`)) as Array<{ n: number }>;
  return row!.n;
}

export function toPrincipalRecord(e: PrincipalEntity): PrincipalRecord {
  return { id: e.id, name: e.name, email: e.email, role: isRole(e.role) ? e.role : 'viewer', createdAt: e.createdAt, disabledAt: e.disabledAt };
}

/** Inserts a new principal; an email already taken (in any letter case) is a CONFLICT. */
export async function insertPrincipal(tx: Tx, principal: PrincipalRecord): Promise<void> {
  const taken = (await tx.query(`SELECT 1 FROM principals WHERE lower(email) = $1`, [principal.email])) as unknown[];
  if (taken.length > 0) throw emailTaken(principal.email);
  try {
    await tx.insert(PrincipalEntity, { id: principal.id, name: principal.name, email: principal.email, role: principal.role, createdAt: principal.createdAt, disabledAt: principal.disabledAt });
  } catch (error) {
    // A concurrent insert of the same email won the race (unique index on lower(email)).
    if ((error as { driverError?: { code?: string } }).driverError?.code === '23505') throw emailTaken(principal.email);
    throw error;
  }
}

/** The principal by id, locked for the rest of the transaction; NOT_FOUND when there is none. */
export async function lockPrincipal(tx: Tx, id: string): Promise<PrincipalRecord> {
  const row = await tx.findOne(PrincipalEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
  if (!row) throw new DomainError('not_found', `No principal with id ${id}.`, { field: 'principal' });
  return toPrincipalRecord(row);
}

function emailTaken(email: string): DomainError {
  return new DomainError('conflict', `A principal with the email ${email} already exists (disabled ones too: enable them instead).`, { field: 'email' });
}
