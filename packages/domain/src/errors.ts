/**
 * Every business-rule failure is a DomainError with a stable string code. The GraphQL
 * boundary maps codes to `extensions.code` through one table; the message is written for the
 * person reading it and says what to do.
 */
export const DOMAIN_ERROR_CODES = [
  'invalid_input',
  'not_found',
  'illegal_transition',
  'conflict',
  'already_decided',
  'claimed_by_other',
  'idempotency_conflict',
  'precondition_failed',
  'publish_check_failed',
  'runbook_incomplete',
  'agreement_below_threshold',
  'forbidden',
  'separation_of_duties',
  'unauthenticated',
] as const;

export type DomainErrorCode = (typeof DOMAIN_ERROR_CODES)[number];

export class DomainError extends Error {
  readonly code: DomainErrorCode;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: DomainErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'DomainError';
    this.code = code;
    this.details = details;
  }
}

/** Raised when a state machine is asked for a transition its current state does not allow. */
export class IllegalTransitionError extends DomainError {
  readonly entity: string;
  readonly from: string;
  readonly transition: string;

  constructor(entity: string, from: string, transition: string, hint?: string) {
    super(
      'illegal_transition',
      `Cannot ${transition.replaceAll('_', ' ')} ${/^[aeiou]/i.test(entity) ? 'an' : 'a'} ${entity} that is ${from.replaceAll('_', ' ')}.${hint ? ` ${hint}` : ''}`,
      { entity, from, transition },
    );
    this.name = 'IllegalTransitionError';
    this.entity = entity;
    this.from = from;
    this.transition = transition;
  }
}

export function isDomainError(error: unknown): error is DomainError {
  return error instanceof DomainError;
}

/** Exhaustiveness guard for switch statements over unions. */
export function assertNever(value: never, what = 'value'): never {
  throw new Error(`Unhandled ${what}: ${JSON.stringify(value)}`);
}
