import { sealPendingAuditEvents } from '@gatehouse/db';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';

/**
 * How long staged events may wait for the next audited change before the API seals them itself.
 * Nobody sees the wait (a reader of the trail seals first); a longer one makes fewer, larger
 * seals: under a steady load of starts, four locked appends a second instead of twenty, each a
 * transaction of four round trips on the API's thread and the database.
 */
const SEAL_DELAY_MS = 250;

/**
 * Seals staged audit events (see stageAuditEvents) onto the chain shortly after they were
 * staged, batching everything staged in the meantime into one locked append. Any other audited
 * change seals them too; this keeps the chain complete when nothing else happens. A failed seal
 * loses nothing (the events stay staged) and is tried again on the next request.
 */
export class AuditSealer {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly ds: DataSource,
    private readonly logger: Pick<Logger, 'warn'>,
  ) {}

  /** Seal within SEAL_DELAY_MS. */
  soon(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.sealNow().catch((err: unknown) => this.logger.warn({ err }, 'sealing staged audit events failed; they stay staged'));
    }, SEAL_DELAY_MS);
    this.timer.unref();
  }

  /** Seals now, after any seal already running; readers of the chain call this first. */
  sealNow(): Promise<void> {
    const next = this.running.catch(() => undefined).then(async () => {
      await sealPendingAuditEvents(this.ds);
    });
    this.running = next;
    return next;
  }

  /** Cancels a pending seal and seals what is staged (shutdown). */
  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.sealNow().catch((err: unknown) => this.logger.warn({ err }, 'sealing staged audit events at shutdown failed; they stay staged'));
  }
}
