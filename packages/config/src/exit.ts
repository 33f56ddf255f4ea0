/** Anything with pino's `flush(cb)`: structural, so this package needs no logging dependency. */
export interface FlushableLogger {
  flush(cb?: (err?: Error) => void): void;
}

/**
 * Flushes the logger, then exits. pino writes asynchronously, so a process that calls
 * process.exit right after its last line ("stopped") can lose that line. And when stdout is a
 * pipe its reader is slow to drain (a log shipper, a busy test runner), pino's synchronous
 * destination keeps the lines the full pipe refused (EAGAIN) to retry on a timer, yet its
 * flush(cb) answers at once: those lines are written out here, synchronously, before the exit.
 */
export async function exitAfterFlush(logger: FlushableLogger, code: number): Promise<never> {
  await new Promise<void>((resolve) => logger.flush(() => resolve()));
  const destination = destinationOf(logger);
  if (destination) {
    // An asynchronous write still in flight finishes first (at most a second): flushSync writes
    // only what is queued behind it.
    if (destination._writing) await new Promise<void>((resolve) => (destination.once('drain', () => resolve()), setTimeout(resolve, 1000).unref()));
    try {
      destination.flushSync();
    } catch {
      // The stream is gone (stdout closed): nothing more can be written.
    }
  }
  process.exit(code);
}

/** What exitAfterFlush uses of pino's destination (a sonic-boom). */
interface Destination {
  /** True while a write is in flight (sonic-boom's own field). */
  _writing?: boolean;
  once(event: 'drain', listener: () => void): unknown;
  flushSync(): void;
}

/** pino keeps its destination (a sonic-boom) under its `pino.stream` symbol, on the root logger or a prototype of a child. */
function destinationOf(logger: object): Destination | null {
  for (let at: object | null = logger; at; at = Object.getPrototypeOf(at) as object | null) {
    const symbol = Object.getOwnPropertySymbols(at).find((s) => s.description === 'pino.stream');
    if (symbol) {
      const stream = (at as Record<symbol, unknown>)[symbol] as Partial<Destination> | undefined;
      return typeof stream?.flushSync === 'function' && typeof stream.once === 'function' ? (stream as Destination) : null;
    }
  }
  return null;
}
