/** Anything with pino's `flush(cb)`: structural, so this package needs no logging dependency. */
export interface FlushableLogger {
  flush(cb?: (err?: Error) => void): void;
}

/**
 * Flushes the logger, then exits. pino writes asynchronously, so a process that calls
 * process.exit right after its last line ("stopped") can lose that line.
 */
export async function exitAfterFlush(logger: FlushableLogger, code: number): Promise<never> {
  await new Promise<void>((resolve) => logger.flush(() => resolve()));
  process.exit(code);
}
