import { DomainError } from '@gatehouse/domain';
import { PASSWORD_COST, scryptHash, scryptVerify, type ScryptCost } from '@gatehouse/db';

export const MIN_PASSWORD_LENGTH = 12;
const MAX_PASSWORD_LENGTH = 256;

export function hashPassword(password: string, cost: ScryptCost = PASSWORD_COST): Promise<string> {
  return scryptHash(password, cost);
}

/*
 * Checked against this when the email is unknown or has no password, so a sign-in for an unknown
 * email costs the same time as a wrong password (no user enumeration by timing).
 */
let dummyHash: Promise<string> | undefined; // computed on first need, not at every start

export async function verifyPassword(password: string, stored: string | null): Promise<boolean> {
  if (password.length > MAX_PASSWORD_LENGTH) return false;
  if (!stored) {
    await scryptVerify(password, await (dummyHash ??= hashPassword('not-a-password-anyone-has')));
    return false;
  }
  return scryptVerify(password, stored);
}

/** A new password: long enough to resist guessing, short enough not to be a hashing DoS. */
export function assertAcceptablePassword(password: unknown, field = 'newPassword'): asserts password is string {
  if (typeof password !== 'string' || password.length < MIN_PASSWORD_LENGTH || password.length > MAX_PASSWORD_LENGTH) {
    throw new DomainError('invalid_input', `A password needs ${MIN_PASSWORD_LENGTH}–${MAX_PASSWORD_LENGTH} characters.`, { field });
  }
}
