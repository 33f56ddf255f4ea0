import DataLoader from 'dataloader';
import type { Pool } from 'pg';
import { insertRuns, type InsertRunOutcome, type StartRunInsert } from './start-run-store.js';

/** Most runs one statement inserts; a larger burst takes several. */
const MAX_BATCH = 100;

/**
 * Coalesces the startRun inserts of one event-loop turn into one statement. Integrators send
 * starts concurrently (a burst of cases, several connections); the requests that reach the insert
 * while the API handles the same batch of socket events share one round trip, one execution of the
 * statement, one commit and one WAL flush instead of paying each on their own. A lone request
 * waits for nothing: the batch is sent right after the I/O callbacks of its turn (setImmediate),
 * not after a timer.
 *
 * One statement is all or nothing, so a batch that fails (one run the database refuses) is
 * retried run by run, and only the run at fault fails.
 */
export class StartRunBatcher {
  private readonly loader: DataLoader<StartRunInsert, InsertRunOutcome>;

  constructor(pool: () => Pool) {
    this.loader = new DataLoader((batch) => insertEach(pool(), batch), {
      cache: false,
      maxBatchSize: MAX_BATCH,
      batchScheduleFn: (flush) => setImmediate(flush),
    });
  }

  insert(insert: StartRunInsert): Promise<InsertRunOutcome> {
    return this.loader.load(insert);
  }
}

async function insertEach(pool: Pool, batch: readonly StartRunInsert[]): Promise<Array<InsertRunOutcome | Error>> {
  try {
    return await insertRuns(pool, batch);
  } catch (error) {
    if (batch.length === 1) return [asError(error)];
    return Promise.all(batch.map((one) => insertRuns(pool, [one]).then(([outcome]) => outcome!, asError)));
  }
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
