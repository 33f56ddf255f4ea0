/** A background job of the API process, stopped at shutdown. */
export interface PeriodicJob {
  /** No new round starts; resolves when the round in flight (if any) finished. */
  stop(): Promise<void>;
}

/**
 * Runs `round` every `intervalMs` (0 or less: never), one round at a time: a tick that comes
 * while a round is still running is skipped, so a slow round neither overlaps the next nor lets
 * a backlog of rounds pile up. A failed round is logged and tried again next interval. The
 * timer does not keep the process alive.
 */
export function startPeriodicJob(
  name: string,
  intervalMs: number,
  round: () => Promise<unknown>,
  logger: { warn(obj: object, msg: string): void },
): PeriodicJob {
  if (intervalMs <= 0) return { stop: async () => undefined };
  let inFlight: Promise<void> | null = null;
  const timer = setInterval(() => {
    if (inFlight) return;
    inFlight = round()
      .then(
        () => undefined,
        (err: unknown) => logger.warn({ err }, `${name} failed; trying again next interval`),
      )
      .finally(() => {
        inFlight = null;
      });
  }, intervalMs);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await inFlight;
    },
  };
}
