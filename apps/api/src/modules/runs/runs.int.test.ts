import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gateRunForApproval, loadWorkflow, pgPoolOf, raiseRunException, VersionCache } from '@gatehouse/db';
import { createRun } from '@gatehouse/domain';
import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { StartRunBatcher } from './start-run-batcher.js';
import { WorkflowSnapshots } from './workflow-snapshots.js';
import type { EntityManager } from 'typeorm';
import { insertRuns, type StartRunInsert } from './start-run-store.js';
import { APPROVE, CREATE_WORKFLOW, KEYS, OWNERS, PROPOSE, PUBLISH, START_RUN, VALID_INPUT, DEFINITION, publishedWorkflow, startRun } from '../../test/fixtures.js';
import { countRows, expectError, startTestApi, type GqlResult, type TestApi } from '../../test/test-api.js';

const CANCEL = `mutation ($id: ID!, $reason: String!) { cancelRun(runId: $id, reason: $reason) { id status cancelReason finishedAt approvals { status } exceptions { status resolution } } }`;
const OUTCOME = `mutation ($id: ID!, $outcome: JSON!) { recordHumanOutcome(runId: $id, outcome: $outcome) { runId humanOutcome aiOutcome agreed } }`;

let api: TestApi;

beforeAll(async () => {
  api = await startTestApi();
  await publishedWorkflow(api, 'triage');
});
afterAll(() => api.close());

describe('startRun', () => {
  it('inserts the run and its first dispatch in one transaction, in the workflow stage as mode', async () => {
    const data = await api.ok(KEYS.integrator, START_RUN, { key: 'triage', input: VALID_INPUT, idem: 'start-1', ref: 'T-1' });
    const run = data.startRun.run;
    expect(data.startRun.replayed).toBe(false);
    expect(run).toMatchObject({ status: 'queued', mode: 'shadow', currentStepId: 'classify' });
    const rows = await api.ds.query(`SELECT topic, message_key, payload FROM outbox WHERE message_key = $1`, [run.id]);
    expect(rows).toEqual([{ topic: 'gatehouse.step-dispatch', message_key: run.id, payload: { v: 1, runId: run.id, stepId: 'classify', cause: 'started', seq: 1 } }]);
    // Committed with the run, staged off the chain (no lock on this hot path) …
    const createdEvents = async (table: string) => countRows(api.ds, table, `action = 'run.created' AND subject_id = $1`, [run.id]);
    expect((await createdEvents('audit_events')) + (await createdEvents('audit_pending'))).toBe(1);
    // … and on the chain once read, or once the API's sealer ran, whichever is first.
    const trail = await api.ok(KEYS.viewer, `query ($id: String!) { auditTrail(subjectId: $id) { edges { node { action } } } }`, { id: run.id });
    expect(trail.auditTrail.edges.map((e: { node: { action: string } }) => e.node.action)).toEqual(['run.created']);
    expect([await createdEvents('audit_events'), await createdEvents('audit_pending')]).toEqual([1, 0]);
  });

  it('seals the run.created events of a burst of starts onto the chain without any other change', async () => {
    const ids = await Promise.all(Array.from({ length: 8 }, (_, i) => startRun(api, 'triage', `sealed-${i}`)));
    for (let tries = 0; (await countRows(api.ds, 'audit_pending')) > 0; tries++) {
      if (tries > 100) throw new Error('staged audit events were not sealed within 5 s');
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(await countRows(api.ds, 'audit_events', `action = 'run.created' AND subject_id = ANY($1)`, [ids])).toBe(8);
  });

  describe('the insert (one statement for any number of runs)', () => {
    const integrator = { id: '00000000-0000-4000-8000-000000000006', role: 'integrator' as const };
    const setup = async (key = 'triage') => {
      const workflow = await loadWorkflow(api.ds.manager, key);
      const version = await new VersionCache().published(api.ds.manager, workflow);
      const build = (idem: string, stage = workflow.rolloutStage, createdBy = integrator.id): StartRunInsert => {
        const run = createRun({ ...workflow, rolloutStage: stage }, version, { id: randomUUID(), input: VALID_INPUT, inputHash: 'h', idempotencyKey: idem, externalRef: null }, { ...integrator, id: createdBy }, new Date()).state;
        return { run, audit: [{ actorId: integrator.id, actorRole: 'integrator', action: 'run.created', subjectType: 'run', subjectId: run.id }], workflowChallenger: null, challenger: null };
      };
      const otherStage: typeof workflow.rolloutStage = workflow.rolloutStage === 'shadow' ? 'execute' : 'shadow';
      return { build, otherStage };
    };
    /** Rows each run left in runs, outbox, and the audit trail (staged or sealed). */
    const written = async (runId: string) =>
      Promise.all([
        countRows(api.ds, 'runs', 'id = $1', [runId]),
        countRows(api.ds, 'outbox', 'message_key = $1', [runId]),
        (await countRows(api.ds, 'audit_pending', 'subject_id = $1', [runId])) + (await countRows(api.ds, 'audit_events', 'subject_id = $1', [runId])),
      ]);

    it('writes nothing when the workflow moved on after it was read, or when the key is taken', async () => {
      const { build, otherStage } = await setup();
      const pool = pgPoolOf(api.ds);
      const stale = build('store-stale', otherStage);
      expect(await insertRuns(pool, [stale])).toEqual(['workflow_changed']);
      expect(await written(stale.run.id)).toEqual([0, 0, 0]);

      const first = build('store-key');
      expect(await insertRuns(pool, [first])).toEqual(['inserted']);
      expect(await written(first.run.id)).toEqual([1, 1, 1]);
      const second = build('store-key');
      expect(await insertRuns(pool, [second])).toEqual(['key_taken']);
      expect(await written(second.run.id)).toEqual([0, 0, 0]);
    });

    it('decides each run of a batch on its own: stale, taken (also by an earlier run of the same batch) and fresh runs side by side', async () => {
      const { build, otherStage } = await setup();
      const pool = pgPoolOf(api.ds);
      await insertRuns(pool, [build('batch-taken')]);
      const batch = [build('batch-a'), build('batch-stale', otherStage), build('batch-b'), build('batch-b'), build('batch-taken'), build('batch-c')];
      expect(await insertRuns(pool, batch)).toEqual(['inserted', 'workflow_changed', 'inserted', 'key_taken', 'key_taken', 'inserted']);
      expect(await Promise.all(batch.map((i) => written(i.run.id)))).toEqual([[1, 1, 1], [0, 0, 0], [1, 1, 1], [0, 0, 0], [0, 0, 0], [1, 1, 1]]);
      // Dispatches and audit events are written in the batch's order.
      const inOrder = [batch[0]!, batch[2]!, batch[5]!].map((i) => i.run.id);
      const outbox = await api.ds.query(`SELECT message_key FROM outbox WHERE message_key = ANY($1) ORDER BY id`, [inOrder]);
      expect(outbox.map((r: { message_key: string }) => r.message_key)).toEqual(inOrder);
      const staged = await api.ds.query(
        `SELECT subject_id FROM (SELECT subject_id, seq AS o FROM audit_events UNION ALL SELECT subject_id, 1e12 + pid FROM audit_pending) a WHERE subject_id = ANY($1) ORDER BY o`,
        [inOrder],
      );
      expect(staged.map((r: { subject_id: string }) => r.subject_id)).toEqual(inOrder);
    });

    it('the batcher sends the starts of one event-loop turn as one statement, and a run the database refuses fails alone', async () => {
      const { build } = await setup();
      const real = pgPoolOf(api.ds);
      let statements = 0;
      const counting = { query: (...args: Parameters<Pool['query']>) => (statements++, (real.query as (...a: unknown[]) => unknown)(...args)) } as unknown as Pool;
      const batcher = new StartRunBatcher(() => counting);

      const together = ['turn-1', 'turn-2', 'turn-3', 'turn-4'].map((k) => build(k));
      expect(await Promise.all(together.map((i) => batcher.insert(i)))).toEqual(['inserted', 'inserted', 'inserted', 'inserted']);
      expect(statements).toBe(1);

      statements = 0;
      const bad = build('turn-bad', undefined, randomUUID()); // created by nobody: the foreign key refuses it
      const mixed = [build('turn-5'), bad, build('turn-6')];
      const settled = await Promise.allSettled(mixed.map((i) => batcher.insert(i)));
      expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect((settled[1] as PromiseRejectedResult).reason).toMatchObject({ code: '23503' });
      // The batch, then each run alone.
      expect(statements).toBe(4);
      expect(await Promise.all(mixed.map((i) => written(i.run.id)))).toEqual([[1, 1, 1], [0, 0, 0], [1, 1, 1]]);
    });

    it('a batch that cannot get its pool fails its starts, and the next starts of the workflow still go', async () => {
      const { build } = await setup();
      const real = pgPoolOf(api.ds);
      let broken = true;
      const batcher = new StartRunBatcher(() => {
        if (broken) throw new Error('data source destroyed');
        return real;
      });
      await expect(batcher.insert(build('no-pool-1'))).rejects.toThrow('data source destroyed');
      broken = false;
      const next = batcher.insert(build('no-pool-2'));
      // An upper bound only: a lane left busy would never send it.
      const stuck = new Promise((resolve) => setTimeout(() => resolve('still waiting after 3 s'), 3_000).unref());
      expect(await Promise.race([next, stuck])).toBe('inserted');
    });

    it('the batcher keeps one statement per workflow in flight: the starts that arrive meanwhile go together after it', async () => {
      const { build } = await setup();
      const real = pgPoolOf(api.ds);
      const sizes: number[] = [];
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      const gated = {
        query: async (...args: Parameters<Pool['query']>) => {
          const [{ values }] = args as unknown as [{ values: [string] }];
          sizes.push((JSON.parse(values[0]) as unknown[]).length);
          if (sizes.length === 1) await held; // the first statement stays in flight
          return (real.query as (...a: unknown[]) => Promise<unknown>)(...args);
        },
      } as unknown as Pool;
      const batcher = new StartRunBatcher(() => gated);
      const turn = () => new Promise((resolve) => setImmediate(resolve));

      try {
        const first = batcher.insert(build('flight-1'));
        await turn();
        await turn();
        expect(sizes).toEqual([1]);
        // Three later turns, each with a start: none is sent while the first is in flight.
        const later: Array<Promise<unknown>> = [];
        for (const key of ['flight-2', 'flight-3', 'flight-4']) {
          later.push(batcher.insert(build(key)));
          await turn();
          await turn();
        }
        expect(sizes).toEqual([1]);
        // Another workflow's starts do not wait for this one's insert (its row may be locked by a publish).
        await publishedWorkflow(api, 'other-lane');
        const other = batcher.insert((await setup('other-lane')).build('flight-other'));
        await turn();
        await turn();
        expect(sizes).toEqual([1, 1]);
        expect(await other).toBe('inserted');
        release();
        expect(await first).toBe('inserted');
        expect(await Promise.all(later)).toEqual(['inserted', 'inserted', 'inserted']);
        expect(sizes).toEqual([1, 1, 3]);
        // Nothing in flight again: a lone start goes at once.
        expect(await batcher.insert(build('flight-5'))).toBe('inserted');
        expect(sizes).toEqual([1, 1, 3, 1]);
      } finally {
        release(); // a failed assertion must not leave the statement held
      }
    });
  });

  it('the starts of a burst that find the workflow snapshot old share one read; a fresh read is never shared', async () => {
    let reads = 0;
    const counting = new Proxy(api.ds.manager, {
      get: (target, prop, receiver) => (prop === 'findOne' ? (...args: unknown[]) => (reads++, (target.findOne as (...a: unknown[]) => unknown).apply(target, args)) : Reflect.get(target, prop, receiver)),
    }) as EntityManager;
    const snapshots = new WorkflowSnapshots(1_000);
    const burst = await Promise.all(Array.from({ length: 8 }, () => snapshots.get(counting, 'triage', false, 0)));
    expect(new Set(burst.map((w) => w.key))).toEqual(new Set(['triage']));
    expect(reads).toBe(1);
    await snapshots.get(counting, 'triage', false, 500); // young enough
    expect(reads).toBe(1);
    await Promise.all([snapshots.get(counting, 'triage', false, 2_000), snapshots.get(counting, 'triage', true, 2_000), snapshots.get(counting, 'triage', true, 2_000)]);
    expect(reads).toBe(4); // one shared read for the old snapshot, one each for the fresh ones
  });

  it('a snapshot near its age limit is served while one background read renews it; a failed renewal drops it', async () => {
    const pending: Array<Promise<unknown>> = [];
    let reads = 0;
    let failing = false;
    const counting = new Proxy(api.ds.manager, {
      get: (target, prop, receiver) =>
        prop === 'findOne'
          ? (...args: unknown[]) => {
              reads++;
              const read = failing ? Promise.reject(new Error('database down')) : (target.findOne as (...a: unknown[]) => Promise<unknown>).apply(target, args);
              pending.push(read.catch(() => undefined));
              return read;
            }
          : Reflect.get(target, prop, receiver),
    }) as EntityManager;
    const settled = async () => {
      await Promise.all(pending);
      await new Promise((resolve) => setImmediate(resolve));
    };
    const snapshots = new WorkflowSnapshots(1_000);
    const first = await snapshots.get(counting, 'triage', false, 0);
    expect(reads).toBe(1);
    // Past 80 % of its age: the burst gets the snapshot at once and shares one renewal.
    const burst = await Promise.all(Array.from({ length: 5 }, () => snapshots.get(counting, 'triage', false, 850)));
    expect(burst.every((w) => w === first)).toBe(true);
    expect(reads).toBe(2);
    await settled();
    // Renewed at 850: still young at 1,500, where the first read alone would have expired.
    await snapshots.get(counting, 'triage', false, 1_500);
    expect(reads).toBe(2);
    // A renewal that fails drops the snapshot: the next start reads for itself and sees the error.
    failing = true;
    await snapshots.get(counting, 'triage', false, 1_700);
    expect(reads).toBe(3);
    await settled();
    await expect(snapshots.get(counting, 'triage', false, 1_710)).rejects.toThrow('database down');
    expect(reads).toBe(4);
  });

  it('a renewal that finishes after a fresher read does not put its older snapshot back', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let calls = 0;
    let renewal: Promise<unknown> | undefined;
    const gated = new Proxy(api.ds.manager, {
      get: (target, prop, receiver) =>
        prop === 'findOne'
          ? (...args: unknown[]) => {
              const n = ++calls;
              const read = (target.findOne as (...a: unknown[]) => Promise<Record<string, unknown>>).apply(target, args);
              if (n !== 2) return read;
              // The renewal read the row before a publish and is slow to come back.
              renewal = read.then(async (entity) => (await held, { ...entity, name: 'as read before the publish' }));
              return renewal;
            }
          : Reflect.get(target, prop, receiver),
    }) as EntityManager;
    const snapshots = new WorkflowSnapshots(1_000);
    await snapshots.get(gated, 'triage', false, 0);
    await snapshots.get(gated, 'triage', false, 850); // starts the renewal, which is held
    const fresh = await snapshots.get(gated, 'triage', true, 900); // a start's fresh read after 'workflow_changed'
    release();
    await renewal;
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls).toBe(3);
    expect((await snapshots.get(gated, 'triage', false, 950)).name).toBe(fresh.name);
    expect(fresh.name).not.toBe('as read before the publish');
  });

  it('a start right after a stage change or a publish runs in the new stage and version, though the API had the workflow snapshotted', async () => {
    await publishedWorkflow(api, 'snapshotted');
    const STAGE = `mutation ($key: String!, $stage: RolloutStage!) { setRolloutStage(workflowKey: $key, stage: $stage, reason: "test", override: true) { rolloutStage } }`;
    const started = async (idem: string) => (await api.ok(KEYS.integrator, START_RUN, { key: 'snapshotted', input: VALID_INPUT, idem })).startRun.run;
    expect((await started('snap-1')).mode).toBe('shadow'); // snapshot taken
    await api.ok(KEYS.admin, STAGE, { key: 'snapshotted', stage: 'draft' });
    expect((await started('snap-2')).mode).toBe('draft');
    await api.ok(KEYS.admin, STAGE, { key: 'snapshotted', stage: 'shadow' });
    expect((await started('snap-3')).mode).toBe('shadow');
    await api.ok(KEYS.owner, PROPOSE, { key: 'snapshotted', def: DEFINITION });
    await api.ok(KEYS.approver, APPROVE, { key: 'snapshotted', v: 2 });
    await api.ok(KEYS.owner, PUBLISH, { key: 'snapshotted', v: 2 });
    await started('snap-4');
    const versions = await api.ds.query(`SELECT v.version FROM runs r JOIN workflow_versions v ON v.id = r.version_id WHERE r.idempotency_key LIKE 'snap-%' ORDER BY r.idempotency_key`);
    expect(versions.map((r: { version: number }) => r.version)).toEqual([1, 1, 1, 2]);
  });

  it('same key + same input (any key order) returns the same run; a different input is CONFLICT', async () => {
    const first = await api.ok(KEYS.integrator, START_RUN, { key: 'triage', input: VALID_INPUT, idem: 'idem-1' });
    const reordered = { message: VALID_INPUT.message, ticketId: VALID_INPUT.ticketId, customerEmail: VALID_INPUT.customerEmail };
    const again = await api.ok(KEYS.integrator, START_RUN, { key: 'triage', input: reordered, idem: 'idem-1' });
    expect(again.startRun).toMatchObject({ replayed: true, run: { id: first.startRun.run.id } });
    const conflict = expectError(await api.gql(KEYS.integrator, START_RUN, { key: 'triage', input: { ...VALID_INPUT, message: 'other' }, idem: 'idem-1' }), 'CONFLICT');
    expect(conflict.extensions?.reason).toBe('idempotency_conflict');
    expect(await countRows(api.ds, 'runs', `idempotency_key = 'idem-1'`)).toBe(1);
    expect(await countRows(api.ds, 'outbox', `message_key = $1`, [first.startRun.run.id])).toBe(1);
  });

  it('concurrent starts with one key create exactly one run', async () => {
    const results = await Promise.all(
      Array.from({ length: 6 }, () => api.gql<any>(KEYS.integrator, START_RUN, { key: 'triage', input: VALID_INPUT, idem: 'race-1' })),
    );
    expect(results.every((r) => !r.errors)).toBe(true);
    expect(new Set(results.map((r) => r.data.startRun.run.id)).size).toBe(1);
    expect(results.filter((r) => r.data.startRun.replayed === false)).toHaveLength(1);
    expect(await countRows(api.ds, 'runs', `idempotency_key = 'race-1'`)).toBe(1);
    expect(await countRows(api.ds, 'outbox', `message_key = $1`, [results[0]!.data.startRun.run.id])).toBe(1);
  });

  it('refuses invalid input, unknown workflows, unpublished workflows and other roles — writing nothing', async () => {
    const runs = await countRows(api.ds, 'runs');
    const outbox = await countRows(api.ds, 'outbox');
    const bad = expectError(await api.gql(KEYS.integrator, START_RUN, { key: 'triage', input: { ticketId: 'T', customerEmail: 'not-an-email' }, idem: 'bad-1' }), 'BAD_USER_INPUT');
    expect((bad.extensions?.details?.issues as Array<{ path: string }>).map((i) => i.path)).toEqual(['/message', '/customerEmail']);
    expectError(await api.gql(KEYS.integrator, START_RUN, { key: 'triage', input: VALID_INPUT, idem: '' }), 'BAD_USER_INPUT');
    expectError(await api.gql(KEYS.integrator, START_RUN, { key: 'triage', input: VALID_INPUT, idem: 'x'.repeat(201) }), 'BAD_USER_INPUT');
    expectError(await api.gql(KEYS.integrator, START_RUN, { key: 'nope', input: VALID_INPUT, idem: 'bad-2' }), 'NOT_FOUND');
    await api.ok(KEYS.owner, CREATE_WORKFLOW, { input: { key: 'unpublished', name: 'U', owners: OWNERS } });
    await api.ok(KEYS.owner, PROPOSE, { key: 'unpublished', def: DEFINITION });
    expectError(await api.gql(KEYS.integrator, START_RUN, { key: 'unpublished', input: VALID_INPUT, idem: 'bad-3' }), 'PRECONDITION_FAILED');
    expectError(await api.gql(KEYS.viewer, START_RUN, { key: 'triage', input: VALID_INPUT, idem: 'bad-4' }), 'FORBIDDEN');
    expectError(await api.gql(KEYS.reviewer, START_RUN, { key: 'triage', input: VALID_INPUT, idem: 'bad-5' }), 'FORBIDDEN');
    expect(await countRows(api.ds, 'runs')).toBe(runs);
    expect(await countRows(api.ds, 'outbox')).toBe(outbox);
  });

  it('refuses text PostgreSQL cannot store (NUL characters) and absurdly deep JSON as BAD_USER_INPUT, writing nothing', async () => {
    const runs = await countRows(api.ds, 'runs');
    expectError(await api.gql(KEYS.integrator, START_RUN, { key: 'triage', input: { ...VALID_INPUT, message: 'refund\u0000please' }, idem: 'nul-1' }), 'BAD_USER_INPUT');
    expectError(await api.gql(KEYS.integrator, START_RUN, { key: 'triage', input: VALID_INPUT, idem: 'nul\u0000key' }), 'BAD_USER_INPUT');
    // JSON nested so deep that hashing or validating it would overflow the stack.
    // (Written as text: JSON.stringify of such a value would overflow the stack here too.)
    const deep = '['.repeat(20_000) + ']'.repeat(20_000);
    const input = `${JSON.stringify(VALID_INPUT).slice(0, -1)},"extra":${deep}}`;
    const res = await fetch(api.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': KEYS.integrator },
      body: `{"query":${JSON.stringify(START_RUN)},"variables":{"key":"triage","idem":"deep-1","input":${input}}}`,
    });
    const body = (await res.json()) as GqlResult;
    expect(expectError({ ...body, status: res.status }, 'BAD_USER_INPUT').message).toMatch(/nested more than 100 levels/);
    expect(await countRows(api.ds, 'runs')).toBe(runs);
  });

  it('a paused workflow still accepts runs; they queue until resumed', async () => {
    await api.ok(KEYS.owner, `mutation { pauseWorkflow(workflowKey: "triage", reason: "incident") { paused } }`);
    const id = await startRun(api, 'triage', 'while-paused');
    expect((await api.ok(KEYS.viewer, `query ($id: ID!) { run(id: $id) { status workflow { paused } } }`, { id })).run).toEqual({ status: 'queued', workflow: { paused: true } });
    await api.ok(KEYS.owner, `mutation { resumeWorkflow(workflowKey: "triage") { paused } }`);
  });
});

describe('cancelRun', () => {
  it('cancels a waiting run and withdraws its pending approval', async () => {
    const id = await startRun(api, 'triage', 'cancel-1');
    await gateRunForApproval(api.ds, id, { stepId: 'reply', actionClass: 'customer_impacting', proposed: { body: 'hi' } });
    const data = await api.ok(KEYS.integrator, CANCEL, { id, reason: 'Customer withdrew the ticket' });
    expect(data.cancelRun).toMatchObject({ status: 'cancelled', cancelReason: 'Customer withdrew the ticket', approvals: [{ status: 'cancelled' }] });
    expect(data.cancelRun.finishedAt).not.toBeNull();
    expect(await countRows(api.ds, 'approvals', `run_id = $1 AND status = 'pending'`, [id])).toBe(0);
  });

  it('closes open exceptions of a cancelled run', async () => {
    const id = await startRun(api, 'triage', 'cancel-2');
    await raiseRunException(api.ds, id, { stepId: 'check', reason: 'low_confidence' });
    const data = await api.ok(KEYS.owner, CANCEL, { id, reason: 'duplicate ticket' });
    expect(data.cancelRun.exceptions).toEqual([{ status: 'resolved', resolution: 'cancel' }]);
  });

  it('refuses finished runs, missing reasons, unknown runs and reviewers', async () => {
    const id = await startRun(api, 'triage', 'cancel-3');
    expectError(await api.gql(KEYS.integrator, CANCEL, { id, reason: ' ' }), 'BAD_USER_INPUT');
    expectError(await api.gql(KEYS.reviewer, CANCEL, { id, reason: 'no' }), 'FORBIDDEN');
    expectError(await api.gql(KEYS.integrator, CANCEL, { id: '00000000-0000-4000-8000-00000000abcd', reason: 'x' }), 'NOT_FOUND');
    expectError(await api.gql(KEYS.integrator, CANCEL, { id: 'not-a-uuid', reason: 'x' }), 'NOT_FOUND');
    await api.ok(KEYS.integrator, CANCEL, { id, reason: 'first' });
    const again = expectError(await api.gql(KEYS.integrator, CANCEL, { id, reason: 'second' }), 'CONFLICT');
    expect(again.extensions?.reason).toBe('illegal_transition');
  });
});

describe('recordHumanOutcome', () => {
  it('stores the human outcome once, compared with the AI output when there is one', async () => {
    const id = await startRun(api, 'triage', 'outcome-1');
    await api.ds.query(`UPDATE runs SET output = '{"label":"refund","confidence":0.9}' WHERE id = $1`, [id]);
    const data = await api.ok(KEYS.integrator, OUTCOME, { id, outcome: { label: 'refund' } });
    expect(data.recordHumanOutcome).toMatchObject({ runId: id, agreed: true, aiOutcome: { label: 'refund', confidence: 0.9 } });
    expectError(await api.gql(KEYS.integrator, OUTCOME, { id, outcome: { label: 'other' } }), 'CONFLICT');
    const pending = await startRun(api, 'triage', 'outcome-2');
    expect((await api.ok(KEYS.reviewer, OUTCOME, { id: pending, outcome: { label: 'how_to' } })).recordHumanOutcome.agreed).toBeNull();
  });

  it('refuses viewers, unknown runs and null outcomes', async () => {
    const id = await startRun(api, 'triage', 'outcome-3');
    expectError(await api.gql(KEYS.viewer, OUTCOME, { id, outcome: { label: 'x' } }), 'FORBIDDEN');
    expectError(await api.gql(KEYS.integrator, OUTCOME, { id: '00000000-0000-4000-8000-00000000abcd', outcome: 1 }), 'NOT_FOUND');
    expectError(await api.gql(KEYS.integrator, OUTCOME, { id, outcome: null }), 'BAD_USER_INPUT');
    expect(await countRows(api.ds, 'shadow_outcomes', 'run_id = $1', [id])).toBe(0);
  });
});

describe('run and runs queries', () => {
  it('pages newest first without gaps or repeats, and filters', async () => {
    for (let i = 0; i < 5; i++) await startRun(api, 'triage', `page-${i}`, { ...VALID_INPUT, ticketId: `P-${i}` });
    const seen: string[] = [];
    let after: string | null = null;
    do {
      const page: any = await api.ok(KEYS.viewer, `query ($after: String) { runs(first: 3, after: $after, filter: { workflowKey: "triage" }) { edges { node { id createdAt } } pageInfo { hasNextPage endCursor } } }`, { after });
      seen.push(...page.runs.edges.map((e: any) => e.node.id));
      after = page.runs.pageInfo.hasNextPage ? page.runs.pageInfo.endCursor : null;
    } while (after);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBe(await countRows(api.ds, 'runs', `workflow_id = (SELECT id FROM workflows WHERE key = 'triage')`));
    const cancelled = await api.ok(KEYS.viewer, `{ runs(filter: { statuses: [cancelled] }) { edges { node { status } } } }`);
    expect(cancelled.runs.edges.length).toBeGreaterThan(0);
    expect(cancelled.runs.edges.every((e: any) => e.node.status === 'cancelled')).toBe(true);
    const byRef = await api.ok(KEYS.integrator, `{ runs(filter: { externalRef: "T-1" }) { edges { node { externalRef idempotencyKey } } } }`);
    expect(byRef.runs.edges).toEqual([{ node: { externalRef: 'T-1', idempotencyKey: 'start-1' } }]);
  });

  it('a cursor this API did not issue is BAD_USER_INPUT, never an internal error', async () => {
    const forge = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const forged = [forge(['2026-01-01T00:00:00.000Z', 'not-a-uuid']), forge(['yesterday', '00000000-0000-4000-8000-00000000abcd']), forge([1.5, '00000000-0000-4000-8000-00000000abcd'])];
    for (const after of forged) {
      expectError(await api.gql(KEYS.viewer, `query ($after: String) { runs(after: $after) { edges { cursor } } }`, { after }), 'BAD_USER_INPUT');
      expectError(await api.gql(KEYS.viewer, `query ($after: String) { auditTrail(after: $after) { edges { cursor } } }`, { after }), 'BAD_USER_INPUT');
    }
    expectError(await api.gql(KEYS.viewer, `query ($after: String) { auditTrail(after: $after) { edges { cursor } } }`, { after: forge(['abc', '00000000-0000-4000-8000-00000000abcd']) }), 'BAD_USER_INPUT');
  });

  it('returns one run with its workflow, version and trace; unknown ids are NOT_FOUND', async () => {
    const id = await startRun(api, 'triage', 'query-1');
    const data = await api.ok(KEYS.viewer, `query ($id: ID!) { run(id: $id) { id input workflow { key } version createdBy { email } steps { stepId } shadowOutcome { agreed } } }`, { id });
    expect(data.run).toEqual({ id, input: VALID_INPUT, workflow: { key: 'triage' }, version: 1, createdBy: { email: 'ivy@gatehouse.dev' }, steps: [], shadowOutcome: null });
    expectError(await api.gql(KEYS.viewer, `{ run(id: "00000000-0000-4000-8000-00000000abcd") { id } }`), 'NOT_FOUND');
    expectError(await api.gql(null, `{ runs { edges { cursor } } }`), 'UNAUTHENTICATED');
  });
});
