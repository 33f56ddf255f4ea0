import { inTransaction, releaseParkedDispatches } from '@gatehouse/db';
import type { WorkflowDefinition } from '@gatehouse/domain';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { runnerOnPostgres } from './test/runner-on-postgres.js';
import { attempts, runRow, seedWorkflow, startRun } from './test/fixtures.js';

/* The runner as `pnpm start` wires it (Postgres transport, real handler), in this process. */
const SECRET = 'runner-test-secret-0123456789';

const definition = (url: string): WorkflowDefinition => ({
  inputSchema: { type: 'object' },
  steps: [
    { id: 'classify', kind: 'rules', field: '/message', rules: [{ label: 'refund', pattern: 'refund', confidence: 0.9 }], defaultLabel: 'other', defaultConfidence: 0.9 },
    { id: 'check', kind: 'validate', schema: { type: 'object', required: ['label'] } },
    { id: 'act', kind: 'action', action: 'tag', actionClass: 'reversible', webhookUrl: url },
  ],
  boundary: { trigger: 't', allowedActions: [{ name: 'tag', actionClass: 'reversible', mode: 'may_execute' }], neverActions: [], handOffs: [] },
});

async function waitFor<T>(read: () => Promise<T>, done: (v: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!done(value) && Date.now() < deadline) {
    await sleep(50);
    value = await read();
  }
  return value;
}

const fixture = runnerOnPostgres(SECRET);


describe('the runner on the Postgres transport', () => {
  it('takes runs from the outbox as they are started and completes them', async () => {
    const wf = await seedWorkflow(fixture.ds, 'flow', definition(fixture.receiver.url), 'execute');
    const ids = await Promise.all(Array.from({ length: 25 }, (_, i) => startRun(fixture.ds, wf, { message: `refund ${i}` })));
    const statuses = await waitFor(
      async () => Promise.all(ids.map(async (id) => (await runRow(fixture.ds, id)).status)),
      (s) => s.every((x) => x === 'completed'),
    );
    expect(statuses).toEqual(Array(25).fill('completed'));
    expect(fixture.receiver.keysByRun().size).toBe(25);
  });

  it('starts no new step of a paused workflow, and continues the runs on resume', async () => {
    const wf = await seedWorkflow(fixture.ds, 'paused', definition(fixture.receiver.url), 'execute');
    await fixture.ds.query(`UPDATE workflows SET paused = true WHERE id = $1`, [wf.workflowId]);
    const ids = await Promise.all(Array.from({ length: 5 }, () => startRun(fixture.ds, wf, { message: 'refund' })));
    const parked = await waitFor(
      async () => ((await fixture.ds.query(`SELECT count(*)::int AS n FROM parked_dispatches WHERE workflow_id = $1`, [wf.workflowId])) as Array<{ n: number }>)[0]!.n,
      (n) => n === 5,
    );
    expect(parked).toBe(5);
    await sleep(500);
    for (const id of ids) expect(await attempts(fixture.ds, id)).toEqual([]);

    await inTransaction(fixture.ds, async (tx) => {
      await tx.query(`UPDATE workflows SET paused = false WHERE id = $1`, [wf.workflowId]);
      await releaseParkedDispatches(tx, wf.workflowId);
    });
    const statuses = await waitFor(
      async () => Promise.all(ids.map(async (id) => (await runRow(fixture.ds, id)).status)),
      (s) => s.every((x) => x === 'completed'),
    );
    expect(statuses).toEqual(Array(5).fill('completed'));
  });

  it('stops a run mid-flight at the kill switch: the step in flight finishes, the next one waits', async () => {
    const def = definition(fixture.receiver.url);
    def.steps.push({ id: 'after', kind: 'validate', source: 'classify', schema: { type: 'object' } });
    const wf = await seedWorkflow(fixture.ds, 'mid-flight', def, 'execute');
    fixture.receiver.delayMs = 400;
    const id = await startRun(fixture.ds, wf, { message: 'refund' });
    // Pause only once the action is really in flight (the fixture.receiver holds its answer for 400 ms),
    // not merely dispatched: a pause before the claim parks the action itself.
    await waitFor(async () => fixture.receiver.received.filter((r) => r.body.runId === id).length, (n) => n === 1);
    await fixture.ds.query(`UPDATE workflows SET paused = true WHERE id = $1`, [wf.workflowId]);
    const held = await waitFor(
      async () => ((await fixture.ds.query(`SELECT count(*)::int AS n FROM parked_dispatches WHERE run_id = $1`, [id])) as Array<{ n: number }>)[0]!.n,
      (n) => n === 1,
    );
    fixture.receiver.delayMs = 0;
    expect(held).toBe(1);
    expect(await runRow(fixture.ds, id)).toMatchObject({ status: 'running', current_step_id: 'after' });
    expect((await attempts(fixture.ds, id)).map((a) => `${a.step_id}:${a.status}`)).toEqual(['classify:succeeded', 'check:succeeded', 'act:succeeded']);

    await inTransaction(fixture.ds, (tx) => tx.query(`UPDATE workflows SET paused = false WHERE id = $1`, [wf.workflowId]).then(() => releaseParkedDispatches(tx, wf.workflowId)));
    expect((await waitFor(() => runRow(fixture.ds, id), (r) => r.status === 'completed')).status).toBe('completed');
  });
});
