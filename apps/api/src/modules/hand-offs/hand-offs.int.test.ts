import { raiseRunException } from '@gatehouse/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEYS, publishedWorkflow, startRun } from '../../test/fixtures.js';
import { expectError, startTestApi, type TestApi } from '../../test/test-api.js';

const RESOLVE = `mutation ($id: ID!, $to: String) { resolveException(exceptionId: $id, resolution: hand_off, note: "needs a person", handOffTo: $to) { id handOffTo } }`;
const REPORT = `mutation ($id: ID!, $s: HandOffOutcome!, $note: String) { recordHandOffOutcome(handOffId: $id, status: $s, note: $note) { id status note closedAt target exceptionId } }`;

let api: TestApi;
let n = 0;

/** A run resolved by a reviewer's hand-off; returns its hand-off row. */
async function handedOff() {
  const runId = await startRun(api, 'hand-offs', `h-${++n}`);
  const item = await raiseRunException(api.ds, runId, { stepId: 'classify', reason: 'low_confidence' });
  await api.ok(KEYS.reviewer, RESOLVE, { id: item.id, to: 'tier2' });
  const rows = await api.ds.query(`SELECT id, status, target, exception_id, created_at, due_at FROM hand_offs WHERE run_id = $1`, [runId]);
  return { runId, exceptionId: item.id, rows };
}

beforeAll(async () => {
  api = await startTestApi();
  await publishedWorkflow(api, 'hand-offs');
});
afterAll(() => api.close());

describe('hand-offs', () => {
  it('records a pending hand-off, due in 24 h, when a reviewer hands a run off, in the same transaction as the audit event', async () => {
    const { runId, exceptionId, rows } = await handedOff();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 'pending', target: 'tier2', exception_id: exceptionId });
    expect(new Date(rows[0].due_at).getTime() - new Date(rows[0].created_at).getTime()).toBe(24 * 3_600_000);
    const [event] = await api.ds.query(`SELECT data FROM audit_events WHERE action = 'hand_off.created' AND subject_id = $1`, [rows[0].id]);
    expect(event.data).toMatchObject({ runId, target: 'tier2', exceptionId });
  });

  it('takes the manual path’s report: accepted, then completed; a closed hand-off cannot be reported on again', async () => {
    const { rows } = await handedOff();
    const id = rows[0].id;
    const accepted = await api.ok(KEYS.integrator, REPORT, { id, s: 'accepted', note: 'ticket T-9' });
    expect(accepted.recordHandOffOutcome).toMatchObject({ status: 'accepted', note: 'ticket T-9', closedAt: null });
    const completed = await api.ok(KEYS.owner, REPORT, { id, s: 'completed' });
    expect(completed.recordHandOffOutcome).toMatchObject({ status: 'completed', note: 'ticket T-9' });
    expect(completed.recordHandOffOutcome.closedAt).not.toBeNull();
    expectError(await api.gql(KEYS.integrator, REPORT, { id, s: 'bounced' }), 'CONFLICT');
    const actions = await api.ds.query(`SELECT action FROM audit_events WHERE subject_id = $1 ORDER BY seq`, [id]);
    expect(actions.map((a: { action: string }) => a.action)).toEqual(['hand_off.created', 'hand_off.accepted', 'hand_off.completed']);
  });

  it('records bounced and failed hand-offs as closed', async () => {
    const bounced = (await handedOff()).rows[0].id;
    expect((await api.ok(KEYS.integrator, REPORT, { id: bounced, s: 'bounced', note: 'not ours' })).recordHandOffOutcome.status).toBe('bounced');
    const failed = (await handedOff()).rows[0].id;
    expect((await api.ok(KEYS.admin, REPORT, { id: failed, s: 'failed' })).recordHandOffOutcome.status).toBe('failed');
    expect(await api.ds.query(`SELECT count(*)::int AS n FROM hand_offs WHERE id = ANY($1::uuid[]) AND closed_at IS NOT NULL`, [[bounced, failed]])).toEqual([{ n: 2 }]);
  });

  it('refuses unknown hand-offs, unknown outcomes, reviewers and viewers', async () => {
    const { rows } = await handedOff();
    expectError(await api.gql(KEYS.integrator, REPORT, { id: '00000000-0000-4000-8000-000000000000', s: 'completed' }), 'NOT_FOUND');
    expectError(await api.gql(KEYS.integrator, REPORT, { id: 'nope', s: 'completed' }), 'NOT_FOUND');
    expectError(await api.gql(KEYS.integrator, REPORT, { id: rows[0].id, s: 'pending' }), 'BAD_USER_INPUT');
    expectError(await api.gql(KEYS.reviewer, REPORT, { id: rows[0].id, s: 'completed' }), 'FORBIDDEN');
    expectError(await api.gql(KEYS.viewer, REPORT, { id: rows[0].id, s: 'completed' }), 'FORBIDDEN');
    expect(await api.ds.query(`SELECT status FROM hand_offs WHERE id = $1`, [rows[0].id])).toEqual([{ status: 'pending' }]);
  });
});
