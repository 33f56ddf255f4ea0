import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEYS, publishedWorkflow, startRun } from '../../test/fixtures.js';
import { expectError, startTestApi, type TestApi } from '../../test/test-api.js';

const REOPEN = `mutation ($id: ID!, $reason: String!) { reopenRun(runId: $id, reason: $reason) { id status finishedAt reopenCount reopenedAt } }`;
const RESOLVE = `mutation ($id: ID!) { resolveException(exceptionId: $id, resolution: cancel, note: "checked, result stands withdrawn") { status run { status } } }`;

let api: TestApi;
let n = 0;

/** A run that completed (placed there as the runner would have left it). */
async function completedRun() {
  const id = await startRun(api, 'reopen', `r-${++n}`);
  await api.ds.query(`UPDATE runs SET status = 'completed', started_at = now(), finished_at = now(), output = '{"label":"refund"}' WHERE id = $1`, [id]);
  return id;
}

beforeAll(async () => {
  api = await startTestApi();
  await publishedWorkflow(api, 'reopen');
});
afterAll(() => api.close());

describe('reopenRun', () => {
  it('sends a completed run back to the exception queue, counted and audited', async () => {
    const id = await completedRun();
    const { reopenRun } = await api.ok(KEYS.reviewer, REOPEN, { id, reason: 'Refunded the wrong order' });
    expect(reopenRun).toMatchObject({ id, status: 'in_exception', finishedAt: null, reopenCount: 1 });
    expect(Date.parse(reopenRun.reopenedAt)).not.toBeNaN();
    const [run] = await api.ds.query(`SELECT reopen_count, reopened_at FROM runs WHERE id = $1`, [id]);
    expect(run.reopen_count).toBe(1);
    expect(run.reopened_at).not.toBeNull();
    const [item] = await api.ds.query(`SELECT id, reason, status, details FROM exception_items WHERE run_id = $1`, [id]);
    expect(item).toMatchObject({ reason: 'invalid_output', status: 'open', details: { reopened: true, why: 'Refunded the wrong order' } });
    const [event] = await api.ds.query(`SELECT actor_role, data FROM audit_events WHERE action = 'run.reopened' AND subject_id = $1`, [id]);
    expect(event).toMatchObject({ actor_role: 'reviewer', data: { reason: 'Refunded the wrong order', exceptionId: item.id } });
    // The reviewer works it like any exception.
    const resolved = await api.ok(KEYS.reviewer, RESOLVE, { id: item.id });
    expect(resolved.resolveException).toEqual({ status: 'resolved', run: { status: 'cancelled' } });
  });

  it('refuses runs that are not completed, empty reasons, unknown runs and roles without the right', async () => {
    const id = await completedRun();
    await api.ok(KEYS.owner, REOPEN, { id, reason: 'wrong' });
    expectError(await api.gql(KEYS.owner, REOPEN, { id, reason: 'again' }), 'CONFLICT'); // now in_exception
    const other = await completedRun();
    expectError(await api.gql(KEYS.reviewer, REOPEN, { id: other, reason: '   ' }), 'BAD_USER_INPUT');
    expectError(await api.gql(KEYS.reviewer, REOPEN, { id: '00000000-0000-4000-8000-000000000000', reason: 'x' }), 'NOT_FOUND');
    expectError(await api.gql(KEYS.integrator, REOPEN, { id: other, reason: 'x' }), 'FORBIDDEN');
    expectError(await api.gql(KEYS.viewer, REOPEN, { id: other, reason: 'x' }), 'FORBIDDEN');
    expect(await api.ds.query(`SELECT status, reopen_count FROM runs WHERE id = $1`, [other])).toEqual([{ status: 'completed', reopen_count: 0 }]);
  });
});
