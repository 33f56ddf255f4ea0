import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDataSource, gateRunForApproval, raiseRunException, sealPendingAuditEvents } from '@gatehouse/db';
import type { DataSource } from 'typeorm';
import { KEYS, publishedWorkflow, startRun } from '../../test/fixtures.js';
import { countRows, expectError, startTestApi, type TestApi } from '../../test/test-api.js';

const VERIFY = `{ verifyAuditChain { ok checked headHash headSeq firstBroken { seq id reason } } }`;
const TRAIL = `query ($subjectId: String, $first: Int, $after: String) {
  auditTrail(subjectId: $subjectId, first: $first, after: $after) {
    edges { cursor node { id seq action subjectType subjectId scopeIds actorRole actor { email } data prevHash hash } }
    pageInfo { hasNextPage endCursor }
  }
}`;
const DECIDE = `mutation ($id: ID!) { decideApproval(approvalId: $id, decision: approve) { id status } }`;
const CANCEL = `mutation ($id: ID!, $reason: String!) { cancelRun(runId: $id, reason: $reason) { id status cancelReason } }`;
const RESOLVE = `mutation ($id: ID!) { resolveException(exceptionId: $id, resolution: retry, note: "Transient") { id status } }`;

let api: TestApi;
/** The database's owner (the superuser here): what a DBA could do, which the API's role cannot. */
let owner: DataSource;
/** A run that went through an approval (approved) and an exception (retried). */
let runId: string;
let approvalId: string;

const head = async (): Promise<{ seq: number; hash: string }> => {
  const [row] = await api.ds.query(`SELECT seq::int AS seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1`);
  return row;
};

beforeAll(async () => {
  api = await startTestApi();
  owner = createDataSource({ url: api.ownerUrl, poolSize: 1 });
  await owner.initialize();
  await publishedWorkflow(api, 'triage');
  runId = await startRun(api, 'triage', 'audit-1');
  approvalId = (await gateRunForApproval(api.ds, runId, { stepId: 'reply', actionClass: 'customer_impacting', proposed: { body: 'Hello' } })).id;
  await api.ok(KEYS.reviewer, DECIDE, { id: approvalId });
  const item = await raiseRunException(api.ds, runId, { stepId: 'reply', reason: 'tool_error' });
  await api.ok(KEYS.reviewer2, RESOLVE, { id: item.id });
});
afterAll(async () => {
  await owner?.destroy();
  await api.close();
});

describe('verifyAuditChain', () => {
  it('verifies every event after a series of mutations', async () => {
    const data = await api.ok(KEYS.viewer, VERIFY);
    const last = await head();
    expect(data.verifyAuditChain).toEqual({ ok: true, checked: await countRows(api.ds, 'audit_events'), headSeq: last.seq, headHash: last.hash, firstBroken: null });
    // Dev principals, the workflow's lifecycle and the run's story are all in it.
    expect(data.verifyAuditChain.checked).toBeGreaterThan(15);
  });

  it('is refused to roles without the operation', async () => {
    expectError(await api.gql(KEYS.integrator, VERIFY), 'FORBIDDEN');
    expectError(await api.gql(KEYS.reviewer, VERIFY), 'FORBIDDEN');
    expectError(await api.gql(null, VERIFY), 'UNAUTHENTICATED');
  });
});

describe('audit_events is append-only in the database', () => {
  it("refuses UPDATE, DELETE and TRUNCATE to the API's role by grants, and to the superuser by the trigger", async () => {
    const [before] = await api.ds.query(`SELECT action, data::text AS data, hash FROM audit_events WHERE seq = 2`);
    const denied = { code: '42501', message: 'permission denied for table audit_events' };
    await expect(api.ds.query(`UPDATE audit_events SET action = 'forged' WHERE seq = 2`)).rejects.toMatchObject(denied);
    await expect(api.ds.query(`DELETE FROM audit_events WHERE seq = 2`)).rejects.toMatchObject(denied);
    await expect(api.ds.query(`TRUNCATE audit_events`)).rejects.toMatchObject(denied);
    await expect(owner.query(`UPDATE audit_events SET action = 'forged' WHERE seq = 2`)).rejects.toMatchObject({ code: '42501', message: expect.stringMatching(/append-only: UPDATE/) });
    await expect(owner.query(`DELETE FROM audit_events WHERE seq = 2`)).rejects.toMatchObject({ code: '42501', message: expect.stringMatching(/append-only: DELETE/) });
    await expect(owner.query(`TRUNCATE audit_events`)).rejects.toMatchObject({ code: '42501', message: expect.stringMatching(/append-only: TRUNCATE/) });
    const [after] = await api.ds.query(`SELECT action, data::text AS data, hash FROM audit_events WHERE seq = 2`);
    expect(after).toEqual(before);
    expect((await api.ok(KEYS.admin, VERIFY)).verifyAuditChain.ok).toBe(true);
  });
});

describe('auditTrail', () => {
  it("returns a run's events oldest first, including those of its approvals and exceptions", async () => {
    const data = await api.ok(KEYS.reviewer, TRAIL, { subjectId: runId, first: 100 });
    const events = data.auditTrail.edges.map((e: any) => e.node);
    expect(events).toHaveLength(await countRows(api.ds, 'audit_events', `subject_id = $1 OR $1 = ANY(scope_ids)`, [runId]));
    const seqs = events.map((e: any) => e.seq);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
    expect(events.every((e: any) => e.subjectId === runId || e.scopeIds.includes(runId))).toBe(true);
    expect(events.map((e: any) => e.action)).toEqual([
      'run.created',
      'run.started',
      'approval.requested',
      'run.waiting_approval',
      'approval.decided',
      'run.requeued',
      'run.resumed',
      'exception.created',
      'run.exception_raised',
      'exception.resolved',
      'run.requeued',
    ]);
    const decided = events.find((e: any) => e.action === 'approval.decided');
    expect(decided).toMatchObject({ subjectType: 'approval', subjectId: approvalId, actorRole: 'reviewer', actor: { email: 'rita@gatehouse.dev' }, data: { decision: 'approve', runId } });
    // Each event links to the one before it in the whole log.
    const [prev] = await api.ds.query(`SELECT hash FROM audit_events WHERE seq = $1`, [decided.seq - 1]);
    expect(decided.prevHash).toBe(prev.hash);
  });

  it("an approval's trail is only about that approval", async () => {
    const data = await api.ok(KEYS.viewer, TRAIL, { subjectId: approvalId });
    expect(data.auditTrail.edges.map((e: any) => e.node.action)).toEqual(['approval.requested', 'approval.decided']);
    const none = await api.ok(KEYS.viewer, TRAIL, { subjectId: 'no-such-subject' });
    expect(none.auditTrail).toEqual({ edges: [], pageInfo: { hasNextPage: false, endCursor: null } });
  });

  it('pages with first and after without gaps or repeats', async () => {
    const all = (await api.ok(KEYS.owner, TRAIL, { subjectId: runId, first: 100 })).auditTrail.edges.map((e: any) => e.node.seq);
    const paged: number[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const data: any = await api.ok(KEYS.owner, TRAIL, { subjectId: runId, first: 4, after });
      paged.push(...data.auditTrail.edges.map((e: any) => e.node.seq));
      pages += 1;
      if (!data.auditTrail.pageInfo.hasNextPage) break;
      after = data.auditTrail.pageInfo.endCursor;
    }
    expect(paged).toEqual(all);
    expect(pages).toBe(Math.ceil(all.length / 4));
  });

  it('without a subject lists the whole log, and refuses bad paging and integrators', async () => {
    const data = await api.ok(KEYS.admin, TRAIL, { first: 3 });
    expect(data.auditTrail.edges.map((e: any) => e.node.seq)).toEqual([1, 2, 3]);
    expect(data.auditTrail.edges[0].node.action).toBe('principal.seeded');
    expectError(await api.gql(KEYS.admin, TRAIL, { first: 101 }), 'BAD_USER_INPUT');
    expectError(await api.gql(KEYS.admin, TRAIL, { after: '%%%' }), 'BAD_USER_INPUT');
    expectError(await api.gql(KEYS.integrator, TRAIL, { subjectId: runId }), 'FORBIDDEN');
  });
});

describe('mutations and their audit events', () => {
  it('a successful cancelRun is audited with its actor; refused ones write nothing', async () => {
    const id = await startRun(api, 'triage', 'audit-cancel');
    await sealPendingAuditEvents(api.ds); // run.created is staged; count from a sealed chain
    const before = await countRows(api.ds, 'audit_events');
    expectError(await api.gql(KEYS.viewer, CANCEL, { id, reason: 'No longer needed' }), 'FORBIDDEN');
    expectError(await api.gql(KEYS.integrator, CANCEL, { id, reason: '  ' }), 'BAD_USER_INPUT');
    expectError(await api.gql(KEYS.integrator, CANCEL, { id: '00000000-0000-4000-8000-0000000000aa', reason: 'x' }), 'NOT_FOUND');
    expect(await countRows(api.ds, 'audit_events')).toBe(before);

    const data = await api.ok(KEYS.integrator, CANCEL, { id, reason: 'Customer withdrew the ticket' });
    expect(data.cancelRun).toMatchObject({ status: 'cancelled', cancelReason: 'Customer withdrew the ticket' });
    expect(await countRows(api.ds, 'audit_events')).toBe(before + 1);
    const [event] = await api.ds.query(`SELECT action, actor_role, actor_id, data FROM audit_events WHERE seq = $1`, [before + 1]);
    expect(event).toEqual({
      action: 'run.cancelled',
      actor_role: 'integrator',
      actor_id: '00000000-0000-4000-8000-000000000006',
      data: expect.objectContaining({ reason: 'Customer withdrew the ticket', from: 'queued' }),
    });

    expect(expectError(await api.gql(KEYS.integrator, CANCEL, { id, reason: 'Again' }), 'CONFLICT').extensions?.reason).toBe('illegal_transition');
    expect(await countRows(api.ds, 'audit_events')).toBe(before + 1);
  });
});

// Last: it edits history (as the owner, with the guard switched off) and puts it back.
describe('tamper detection', () => {
  it('names exactly the edited event as the first broken link', async () => {
    const [target] = await api.ds.query(
      `SELECT seq::int AS seq, id::text AS id, data::text AS data FROM audit_events WHERE action = 'approval.decided' AND subject_id = $1`,
      [approvalId],
    );
    const editData = (data: string) =>
      owner.transaction(async (tx) => {
        await tx.query(`ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update_delete`);
        await tx.query(`UPDATE audit_events SET data = $2::jsonb WHERE seq = $1`, [target.seq, data]);
        await tx.query(`ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update_delete`);
      });

    await editData(JSON.stringify({ ...JSON.parse(target.data), decision: 'reject' }));
    try {
      // The guard is back on.
      await expect(owner.query(`DELETE FROM audit_events WHERE seq = $1`, [target.seq])).rejects.toMatchObject({ code: '42501', message: expect.stringMatching(/append-only/) });
      const broken = (await api.ok(KEYS.admin, VERIFY)).verifyAuditChain;
      // (apps/cli's audit tests show `gatehouse audit verify` naming the same link.)
      expect(broken).toMatchObject({ ok: false, checked: target.seq, headSeq: target.seq - 1, firstBroken: { seq: target.seq, id: target.id, reason: 'hash_mismatch' } });
    } finally {
      await editData(target.data);
    }
    const restored = (await api.ok(KEYS.admin, VERIFY)).verifyAuditChain;
    expect(restored).toMatchObject({ ok: true, checked: await countRows(api.ds, 'audit_events'), firstBroken: null });
  });
});
