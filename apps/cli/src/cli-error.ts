/**
 * Stable codes the CLI prints with its errors (`gatehouse: error [CODE]: …`), for scripts that
 * call it. Exit code 2: bad usage or environment (BAD_ARGUMENT, BAD_ENVIRONMENT,
 * DATABASE_UNAVAILABLE, NOT_MIGRATED, NOT_FOUND, API_UNAVAILABLE, and the API's UNAUTHENTICATED,
 * FORBIDDEN, RATE_LIMITED); exit code 1: the check or the change itself failed
 * (MIGRATION_FAILED, and the API refusing an import: BAD_USER_INPUT, CONFLICT, PRECONDITION_FAILED).
 */
export type CliErrorCode =
  | 'BAD_ARGUMENT'
  | 'BAD_ENVIRONMENT'
  | 'DATABASE_UNAVAILABLE'
  | 'NOT_MIGRATED'
  | 'NOT_FOUND'
  | 'MIGRATION_FAILED'
  | 'API_UNAVAILABLE'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'RATE_LIMITED'
  | 'BAD_USER_INPUT'
  | 'CONFLICT'
  | 'PRECONDITION_FAILED';

const CHECK_FAILED: ReadonlySet<CliErrorCode> = new Set(['MIGRATION_FAILED', 'BAD_USER_INPUT', 'CONFLICT', 'PRECONDITION_FAILED']);

export class CliError extends Error {
  constructor(
    readonly code: CliErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'CliError';
  }

  get exitCode(): 1 | 2 {
    return CHECK_FAILED.has(this.code) ? 1 : 2;
  }
}
