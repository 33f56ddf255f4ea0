import { DomainError, IllegalTransitionError } from './errors.js';
import { isRole, ROLES, type Actor, type Role } from './roles.js';
import type { Transition } from './workflow.js';

/** A person or integration that acts in Gatehouse (table `principals`). */
export interface PrincipalRecord {
  id: string;
  name: string;
  /** Lower-case: emails are matched case-insensitively (sign-in, createApiKey's principal). */
  email: string;
  role: Role;
  createdAt: Date;
  disabledAt: Date | null;
}

/**
 * How many enabled admins there are now, counted by the caller under a lock on them, so two
 * admins demoting each other at once cannot leave the deployment without one.
 */
export interface AdminHeadcount {
  enabledAdmins: number;
}

const MAX_NAME = 200;
const MAX_EMAIL = 254;
const MAX_REASON = 500;
// Deliberately loose: one @, a dotted domain, no spaces. Deliverability is the mail server's call.
const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;

/** Trimmed and lower-cased; null when it cannot be an address. */
export function normalizeEmail(value: string): string | null {
  const email = value.trim().toLowerCase();
  return email.length <= MAX_EMAIL && EMAIL.test(email) ? email : null;
}

export interface NewPrincipalInput {
  id: string;
  name: string;
  email: string;
  role: string;
}

/** `actor` null: the system (the CLI's bootstrap-admin), recorded as such in the audit trail. */
export function createPrincipal(input: NewPrincipalInput, actor: Actor | null, now: Date): Transition<PrincipalRecord> {
  const name = input.name.trim();
  if (!name || name.length > MAX_NAME) throw new DomainError('invalid_input', `A principal needs a name of 1–${MAX_NAME} characters.`, { field: 'name' });
  const email = normalizeEmail(input.email);
  if (!email) throw new DomainError('invalid_input', `"${input.email.trim()}" is not an email address (name@example.com).`, { field: 'email' });
  const role = checkedRole(input.role);
  const principal: PrincipalRecord = { id: input.id, name, email, role, createdAt: now, disabledAt: null };
  return {
    state: principal,
    events: [{ type: 'principal.created', subjectType: 'principal', subjectId: principal.id, data: { name, email, role, ...(actor ? {} : { by: 'system' }) } }],
  };
}

export function changePrincipalRole(principal: PrincipalRecord, role: string, actor: Actor, headcount: AdminHeadcount): Transition<PrincipalRecord> {
  const to = checkedRole(role);
  if (principal.disabledAt) throw new IllegalTransitionError('principal', 'disabled', 'change the role of', 'Enable them first.');
  if (to === principal.role) throw new DomainError('conflict', `${principal.name} is already ${articled(to)}.`, { field: 'role' });
  if (principal.role === 'admin') {
    if (principal.id === actor.id) throw new DomainError('conflict', 'You cannot demote yourself: ask another admin, so an admin always remains who can undo it.', { field: 'principal' });
    assertNotLastAdmin(headcount, `demote ${principal.name}`);
  }
  return {
    state: { ...principal, role: to },
    events: [{ type: 'principal.role_changed', subjectType: 'principal', subjectId: principal.id, data: { from: principal.role, to } }],
  };
}

export function disablePrincipal(principal: PrincipalRecord, reason: string, actor: Actor, headcount: AdminHeadcount, now: Date): Transition<PrincipalRecord> {
  const why = reason.trim();
  if (!why || why.length > MAX_REASON) throw new DomainError('invalid_input', `Say why ${principal.name} is disabled (reason, 1–${MAX_REASON} characters): it goes into the audit trail.`, { field: 'reason' });
  if (principal.disabledAt) throw new IllegalTransitionError('principal', 'disabled', 'disable', `They were disabled at ${principal.disabledAt.toISOString()}.`);
  if (principal.id === actor.id) throw new DomainError('conflict', 'You cannot disable yourself: ask another admin.', { field: 'principal' });
  if (principal.role === 'admin') assertNotLastAdmin(headcount, `disable ${principal.name}`);
  return {
    state: { ...principal, disabledAt: now },
    events: [{ type: 'principal.disabled', subjectType: 'principal', subjectId: principal.id, data: { reason: why, role: principal.role } }],
  };
}

export function enablePrincipal(principal: PrincipalRecord): Transition<PrincipalRecord> {
  if (!principal.disabledAt) throw new IllegalTransitionError('principal', 'enabled', 'enable');
  return {
    state: { ...principal, disabledAt: null },
    events: [{ type: 'principal.enabled', subjectType: 'principal', subjectId: principal.id, data: { role: principal.role, disabledAt: principal.disabledAt.toISOString() } }],
  };
}

function checkedRole(role: string): Role {
  if (!isRole(role)) throw new DomainError('invalid_input', `Unknown role "${role}"; one of: ${ROLES.join(', ')}.`, { field: 'role' });
  return role;
}

function assertNotLastAdmin(headcount: AdminHeadcount, what: string): void {
  if (headcount.enabledAdmins <= 1) {
    throw new DomainError('conflict', `Cannot ${what}: they are the last enabled admin, and nobody could manage principals or keys afterwards. Make someone else an admin first.`, { field: 'principal', reason: 'last_admin' });
  }
}

function articled(role: Role): string {
  return `${/^[aeiou]/.test(role) ? 'an' : 'a'} ${role}`;
}
