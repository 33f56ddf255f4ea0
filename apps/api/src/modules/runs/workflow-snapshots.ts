import { loadWorkflow, type Tx } from '@gatehouse/db';
import type { Workflow } from '@gatehouse/domain';
import { SingleFlight } from '../../caching/single-flight.js';

/**
 * Workflows as startRun last read them, by key, so the hot path does not read the workflow row
 * on every request. A stale snapshot cannot start a run on the wrong version or stage: the
 * insert itself re-checks the published version and rollout stage it was built from and writes
 * nothing when they moved on ('workflow_changed'), and the caller then reads fresh. The age
 * limit only bounds how long fields startRun does not guard (name, evaluation policy) may lag.
 *
 * Past REFRESH_AHEAD of its age limit a snapshot is still served, and one background read
 * replaces it: under steady traffic no start waits for the read, where every `maxAgeMs` the
 * requests of one burst otherwise all did (the read is a join of several milliseconds).
 */
const REFRESH_AHEAD = 0.8;

export class WorkflowSnapshots {
  /** `read`: the sequence number of the read, so an older read finishing late never replaces a newer one. */
  private readonly byKey = new Map<string, { workflow: Workflow; readAt: number; read: number }>();
  private readsStarted = 0;
  /** The requests of a burst that find the snapshot old share one read. */
  private readonly reads = new SingleFlight<string, Workflow>();

  constructor(
    private readonly maxAgeMs = 5_000,
    private readonly limit = 1_000,
  ) {}

  /**
   * The cached snapshot when young enough and `fresh` is false; otherwise read (NOT_FOUND when
   * absent) and cache. `db` must not be a transaction's manager: a renewal may outlive the call.
   */
  async get(db: Tx, key: string, fresh: boolean, now = Date.now()): Promise<Workflow> {
    const cached = this.byKey.get(key);
    if (!fresh && cached && now - cached.readAt < this.maxAgeMs) {
      if (now - cached.readAt >= this.maxAgeMs * REFRESH_AHEAD) this.refresh(db, key, cached, now);
      return cached.workflow;
    }
    // A caller that asks for a fresh read (its insert found the workflow changed) must not get
    // a read that started before the change: only reads for an old snapshot are shared.
    return fresh ? this.read(db, key, now) : this.reads.run(key, () => this.read(db, key, now));
  }

  private refresh(db: Tx, key: string, cached: { readAt: number }, now: number): void {
    // A read that fails (the workflow is gone, the database is down) drops the snapshot, so the
    // next start reads for itself and gets the error.
    this.reads.run(key, () => this.read(db, key, now)).catch(() => {
      if (this.byKey.get(key) === cached) this.byKey.delete(key);
    });
  }

  private async read(db: Tx, key: string, now: number): Promise<Workflow> {
    const read = ++this.readsStarted;
    const workflow = await loadWorkflow(db, key);
    // A renewal that began before a publish can finish after the fresh read that followed it.
    if ((this.byKey.get(key)?.read ?? 0) > read) return workflow;
    this.byKey.delete(key); // re-insert at the end: the oldest entry is the one evicted
    if (this.byKey.size >= this.limit) this.byKey.delete(this.byKey.keys().next().value!);
    this.byKey.set(key, { workflow, readAt: now, read });
    return workflow;
  }
}
