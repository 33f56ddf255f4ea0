import DataLoader from 'dataloader';
import type { Pool } from 'pg';
import { insertRuns, type InsertRunOutcome, type StartRunInsert } from './start-run-store.js';

/** Most runs one statement inserts; a larger burst takes several. */
const MAX_BATCH = 100;

/**
 * Coalesces concurrent startRun inserts into one statement (group commit). Integrators send
 * starts concurrently (a burst of cases, several connections); the requests that reach the insert
 * together share one round trip, one execution of the statement, one commit and one WAL flush
 * instead of paying each on their own.
 *
 * At most one insert per workflow is in flight per process. The starts that reach the insert
 * while one is running wait for it and then go together as the next statement. Several
 * concurrent inserts would not commit faster: each one NOTIFYs, and PostgreSQL serialises the
 * commits of notifying transactions (a lock held through the WAL flush), so they queued inside
 * the database instead, in smaller batches, each paying the fixed cost. Measured under bursts of
 * 10 concurrent starts (docs/benchmarks.md, ninth round): one statement in flight made the
 * inserts fewer (~615 against ~830–940 for 3,000 starts) and faster (p50 2.2–2.5 ms against
 * 3.3–3.7 ms). Per workflow, because a run's insert waits while its workflow's row is locked
 * (a publish, a stage change: the foreign key check): the starts of other workflows go on.
 *
 * A lone request waits for nothing: with nothing in flight its batch is sent right after the I/O
 * callbacks of its turn (setImmediate), not after a timer.
 *
 * One statement is all or nothing, so a batch that fails (one run the database refuses) is
 * retried run by run (those statements go at once, within the batch's turn), and only the run at
 * fault fails.
 */
export class StartRunBatcher {
  /** Workflows with an insert in flight (or about to be); a lane goes when it falls idle. */
  private readonly lanes = new Map<string, Lane>();

  constructor(private readonly pool: () => Pool) {}

  insert(insert: StartRunInsert): Promise<InsertRunOutcome> {
    const workflowId = insert.run.workflowId;
    let lane = this.lanes.get(workflowId);
    if (!lane) {
      lane = new Lane(this.pool, () => this.lanes.delete(workflowId));
      this.lanes.set(workflowId, lane);
    }
    return lane.insert(insert);
  }
}

/** The inserts of one workflow: one statement in flight, the next batch gathering behind it. */
class Lane {
  private readonly loader: DataLoader<StartRunInsert, InsertRunOutcome>;
  /** True while a batch is scheduled or running. */
  private busy = false;
  /** Batches DataLoader closed (MAX_BATCH reached) while one was busy, in order. */
  private readonly waiting: Array<() => void> = [];

  constructor(pool: () => Pool, private readonly idle: () => void) {
    this.loader = new DataLoader(
      async (batch) => {
        try {
          return await insertEach(pool(), batch);
        } finally {
          // Also when pool() throws (a data source being destroyed): the lane must not stay busy.
          this.next();
        }
      },
      {
        cache: false,
        maxBatchSize: MAX_BATCH,
        // DataLoader keeps adding to a batch until its dispatch runs, so a batch held back here
        // gathers every start that arrives while the previous one is in flight.
        batchScheduleFn: (dispatch) => {
          if (this.busy) {
            this.waiting.push(dispatch);
            return;
          }
          this.busy = true;
          setImmediate(dispatch);
        },
      },
    );
  }

  insert(insert: StartRunInsert): Promise<InsertRunOutcome> {
    return this.loader.load(insert);
  }

  private next(): void {
    const dispatch = this.waiting.shift();
    if (dispatch) {
      setImmediate(dispatch);
      return;
    }
    // Nothing in flight and no batch open (a load opens one and schedules it at once).
    this.busy = false;
    this.idle();
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
