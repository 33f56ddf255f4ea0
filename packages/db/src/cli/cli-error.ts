/** Stable codes the CLI prints with its errors (exit code 2), for scripts that call it. */
export type CliErrorCode = 'BAD_ARGUMENT' | 'BAD_ENVIRONMENT' | 'DATABASE_UNAVAILABLE' | 'NOT_MIGRATED';

export class CliError extends Error {
  constructor(
    readonly code: CliErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
