import type { ExceptionReason, WorkflowDefinition } from '@gatehouse/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { raiseRunException } from '@gatehouse/db';
import { DEFINITION, KEYS, publishedWorkflow, startRun } from '../../test/fixtures.js';
import { countRows, expectError, holdRowLock, startTestApi, waitForLockWaiters, type TestApi } from '../../test/test-api.js';

const ITEM = `id status reason stepId assignee { email } claimedAt resolution resolutionNote resolutionOutput handOffTo resolvedBy { email } resolvedAt run { id status cancelReason }`;
const CLAIM = `mutation ($id: ID!) { claimException(exceptionId: $id) { ${ITEM} } }`;
const RELEASE = `mutation ($id: ID!) { releaseException(exceptionId: $id) { ${ITEM} } }`;
const RESOLVE = `mutation ($id: ID!, $r: ExceptionResolution!, $note: String!, $output: JSON, $to: String) {
  resolveException(exceptionId: $id, resolution: $r, note: $note, output: $output, handOffTo: $to) { ${ITEM} }
}`;
const QUEUE = `query ($filter: ExceptionFilter, $first: Int, $after: String) {
  exceptionQueue(filter: $filter, first: $first, after: $after) {
    edges { cursor node { id status reason createdAt assignee { email } workflow { key } } }
    pageInfo { hasNextPage endCursor }
  }
}`;
const UNKNOWN_ID = '00000000-0000-4000-8000-0000000000ee';

/** Support triage whose missing_data policy names its own hand-off, unlike the boundary's first one. */
const HANDOFF_DEFINITION: WorkflowDefinition = {
  ...DEFINITION,
  boundary: {
    ...DEFINITION.boundary!,
    handOffs: [
      { name: 'tier2', to: 'Tier-2 support queue', when: 'Anything the rules cannot place.' },
      { name: 'specialists', to: 'Data specialists', when: 'The ticket lacks what we need.' },
    ],
  },
  exceptionPolicy: { ...DEFINITION.exceptionPolicy, missing_data: { action: 'hand_off', handOffTo: 'specialists' } },
};

let api: TestApi;
let seq = 0;

/** A run of `workflowKey` routed to the exception queue the way the runner routes it. */
async function openItem(workflowKey = 'triage', reason: ExceptionReason = 'low_confidence'): Promise<{ exceptionId: string; runId: string }> {
  const runId = await startRun(api, workflowKey, `exception-${++seq}`);
  const item = await raiseRunException(api.ds, runId, { stepId: 'check', reason, details: { confidence: 0.4, threshold: 0.6 } });
  return { exceptionId: item.id, runId };
}

const auditCount = (subjectId: string, action: string) => countRows(api.ds, 'audit_events', `subject_id = $1 AND action = $2`, [subjectId, action]);
const runStatus = async (runId: string): Promise<string> => (await api.ds.query(`SELECT status FROM runs WHERE id = $1`, [runId]))[0].status;
const lastDispatch = async (runId: string) => (await api.ds.query(`SELECT payload FROM outbox WHERE message_key = $1 ORDER BY id DESC LIMIT 1`, [runId]))[0]?.payload;
const dispatchCount = (runId: string) => countRows(api.ds, 'outbox', `message_key = $1`, [runId]);
const queueIds = (data: any): string[] => data.exceptionQueue.edges.map((e: any) => e.node.id);

beforeAll(async () => {
  api = await startTestApi();
  await publishedWorkflow(api, 'triage');
  await publishedWorkflow(api, 'queue');
  await publishedWorkflow(api, 'handoff', HANDOFF_DEFINITION);
});
afterAll(() => api.close());

describe('exceptionQueue', () => {
  // Items of the 'queue' workflow only, created in this order: a (oldest) … d (newest).
  let a: string, b: string, c: string, d: string;

  beforeAll(async () => {
    a = (await openItem('queue', 'low_confidence')).exceptionId;
    b = (await openItem('queue', 'tool_error')).exceptionId;
    c = (await openItem('queue', 'invalid_output')).exceptionId;
    d = (await openItem('queue', 'missing_data')).exceptionId;
    await api.ok(KEYS.reviewer, CLAIM, { id: b });
    await api.ok(KEYS.reviewer2, RESOLVE, { id: d, r: 'cancel', note: 'Duplicate ticket' });
  });

  it('lists open and claimed items oldest first by default, without resolved ones', async () => {
    const data = await api.ok(KEYS.reviewer, QUEUE, { filter: { workflowKey: 'queue' } });
    expect(queueIds(data)).toEqual([a, b, c]);
    const nodes = data.exceptionQueue.edges.map((e: any) => e.node);
    expect(nodes.map((n: any) => n.status)).toEqual(['open', 'claimed', 'open']);
    expect(nodes.every((n: any) => n.workflow.key === 'queue')).toBe(true);
    const times = nodes.map((n: any) => Date.parse(n.createdAt));
    expect([...times].sort((x, y) => x - y)).toEqual(times);
    expect(data.exceptionQueue.pageInfo.hasNextPage).toBe(false);
  });

  it('without a workflow filter includes every workflow', async () => {
    const other = await openItem('triage');
    const ids = queueIds(await api.ok(KEYS.viewer, QUEUE, { first: 100 }));
    expect(ids).toEqual(expect.arrayContaining([a, b, c, other.exceptionId]));
    expect(ids).not.toContain(d);
  });

  it('filters by reasons, statuses and assignee', async () => {
    const byReason = await api.ok(KEYS.reviewer, QUEUE, { filter: { workflowKey: 'queue', reasons: ['invalid_output', 'tool_error'] } });
    expect(queueIds(byReason)).toEqual([b, c]);
    const resolved = await api.ok(KEYS.reviewer, QUEUE, { filter: { workflowKey: 'queue', statuses: ['resolved'] } });
    expect(queueIds(resolved)).toEqual([d]);
    const all = await api.ok(KEYS.reviewer, QUEUE, { filter: { workflowKey: 'queue', statuses: ['open', 'claimed', 'resolved'] } });
    expect(queueIds(all)).toEqual([a, b, c, d]);

    const mine = await api.ok(KEYS.reviewer, QUEUE, { filter: { workflowKey: 'queue', assignee: 'me' } });
    expect(queueIds(mine)).toEqual([b]);
    expect(mine.exceptionQueue.edges[0].node.assignee.email).toBe('rita@gatehouse.dev');
    const notMine = await api.ok(KEYS.reviewer2, QUEUE, { filter: { workflowKey: 'queue', assignee: 'me' } });
    expect(queueIds(notMine)).toEqual([]);
    const unassigned = await api.ok(KEYS.reviewer2, QUEUE, { filter: { workflowKey: 'queue', assignee: 'unassigned' } });
    expect(queueIds(unassigned)).toEqual([a, c]);
    const any = await api.ok(KEYS.reviewer2, QUEUE, { filter: { workflowKey: 'queue', assignee: 'any' } });
    expect(queueIds(any)).toEqual([a, b, c]);
  });

  it('pages with first and after', async () => {
    const page1 = await api.ok(KEYS.reviewer, QUEUE, { filter: { workflowKey: 'queue' }, first: 2 });
    expect(queueIds(page1)).toEqual([a, b]);
    expect(page1.exceptionQueue.pageInfo).toEqual({ hasNextPage: true, endCursor: page1.exceptionQueue.edges[1].cursor });
    const page2 = await api.ok(KEYS.reviewer, QUEUE, { filter: { workflowKey: 'queue' }, first: 2, after: page1.exceptionQueue.pageInfo.endCursor });
    expect(queueIds(page2)).toEqual([c]);
    expect(page2.exceptionQueue.pageInfo.hasNextPage).toBe(false);
  });

  it('refuses bad paging, unknown workflows and roles without the operation', async () => {
    expect(expectError(await api.gql(KEYS.reviewer, QUEUE, { first: 101 }), 'BAD_USER_INPUT').extensions?.details).toEqual({ field: 'first' });
    expectError(await api.gql(KEYS.reviewer, QUEUE, { first: 0 }), 'BAD_USER_INPUT');
    expectError(await api.gql(KEYS.reviewer, QUEUE, { after: 'not-a-cursor' }), 'BAD_USER_INPUT');
    expectError(await api.gql(KEYS.reviewer, QUEUE, { filter: { reasons: ['bored'] } }), 'BAD_USER_INPUT');
    expectError(await api.gql(KEYS.reviewer, QUEUE, { filter: { workflowKey: 'nope' } }), 'NOT_FOUND');
    expectError(await api.gql(KEYS.integrator, QUEUE, {}), 'FORBIDDEN');
    expectError(await api.gql(null, QUEUE, {}), 'UNAUTHENTICATED');
  });
});

describe('claimException', () => {
  it('gives the item to the reviewer, audited; claiming it again is a no-op', async () => {
    const { exceptionId, runId } = await openItem();
    const data = await api.ok(KEYS.reviewer, CLAIM, { id: exceptionId });
    expect(data.claimException).toMatchObject({ id: exceptionId, status: 'claimed', assignee: { email: 'rita@gatehouse.dev' }, run: { id: runId, status: 'in_exception' } });
    expect(data.claimException.claimedAt).not.toBeNull();
    expect(await auditCount(exceptionId, 'exception.claimed')).toBe(1);

    const again = await api.ok(KEYS.reviewer, CLAIM, { id: exceptionId });
    expect(again.claimException).toMatchObject({ status: 'claimed', assignee: { email: 'rita@gatehouse.dev' }, claimedAt: data.claimException.claimedAt });
    expect(await auditCount(exceptionId, 'exception.claimed')).toBe(1);
  });

  it('an item someone else holds is a CONFLICT, not a takeover', async () => {
    const { exceptionId } = await openItem();
    await api.ok(KEYS.reviewer, CLAIM, { id: exceptionId });
    const error = expectError(await api.gql(KEYS.reviewer2, CLAIM, { id: exceptionId }), 'CONFLICT');
    expect(error.extensions?.reason).toBe('claimed_by_other');
    const [row] = await api.ds.query(`SELECT assignee_id FROM exception_items WHERE id = $1`, [exceptionId]);
    expect(row.assignee_id).toBe('00000000-0000-4000-8000-000000000004');
  });

  it('refuses roles without the operation, unknown ids and resolved items', async () => {
    const { exceptionId } = await openItem();
    expectError(await api.gql(KEYS.viewer, CLAIM, { id: exceptionId }), 'FORBIDDEN');
    expectError(await api.gql(KEYS.integrator, CLAIM, { id: exceptionId }), 'FORBIDDEN');
    expectError(await api.gql(null, CLAIM, { id: exceptionId }), 'UNAUTHENTICATED');
    expectError(await api.gql(KEYS.reviewer, CLAIM, { id: UNKNOWN_ID }), 'NOT_FOUND');
    expectError(await api.gql(KEYS.reviewer, CLAIM, { id: 'not-a-uuid' }), 'NOT_FOUND');
    expect(await countRows(api.ds, 'audit_events', `subject_id = $1 AND action <> 'exception.created'`, [exceptionId])).toBe(0);

    await api.ok(KEYS.reviewer, RESOLVE, { id: exceptionId, r: 'retry', note: 'Transient' });
    expect(expectError(await api.gql(KEYS.reviewer2, CLAIM, { id: exceptionId }), 'CONFLICT').extensions?.reason).toBe('illegal_transition');
  });

  it('two reviewers claiming at the same moment: exactly one wins, the other gets CONFLICT', async () => {
    for (let round = 0; round < 6; round++) {
      const { exceptionId } = await openItem();
      const [a, b] = await Promise.all([api.gql(KEYS.reviewer, CLAIM, { id: exceptionId }), api.gql(KEYS.reviewer2, CLAIM, { id: exceptionId })]);
      const winners = [a, b].filter((r) => !r.errors);
      const losers = [a, b].filter((r) => r.errors);
      expect(winners).toHaveLength(1);
      expect(losers).toHaveLength(1);
      expect(losers[0]!.errors![0]!.extensions).toMatchObject({ code: 'CONFLICT', reason: 'claimed_by_other' });
      const winnerEmail = winners[0] === a ? 'rita@gatehouse.dev' : 'rafael@gatehouse.dev';
      expect(winners[0]!.data!.claimException.assignee.email).toBe(winnerEmail);
      const [row] = await api.ds.query(`SELECT p.email FROM exception_items x JOIN principals p ON p.id = x.assignee_id WHERE x.id = $1`, [exceptionId]);
      expect(row.email).toBe(winnerEmail);
      expect(await auditCount(exceptionId, 'exception.claimed')).toBe(1);
    }
  });
});

describe('releaseException', () => {
  it('the holder returns the item to the queue, audited', async () => {
    const { exceptionId } = await openItem();
    await api.ok(KEYS.reviewer, CLAIM, { id: exceptionId });
    const data = await api.ok(KEYS.reviewer, RELEASE, { id: exceptionId });
    expect(data.releaseException).toMatchObject({ status: 'open', assignee: null, claimedAt: null });
    expect(await auditCount(exceptionId, 'exception.released')).toBe(1);
    // Back in the queue: someone else may now claim it.
    expect((await api.ok(KEYS.reviewer2, CLAIM, { id: exceptionId })).claimException.assignee.email).toBe('rafael@gatehouse.dev');
  });

  it('another reviewer gets CONFLICT; an admin may unstick it', async () => {
    const { exceptionId } = await openItem();
    await api.ok(KEYS.reviewer, CLAIM, { id: exceptionId });
    expect(expectError(await api.gql(KEYS.reviewer2, RELEASE, { id: exceptionId }), 'CONFLICT').extensions?.reason).toBe('claimed_by_other');
    expect(await auditCount(exceptionId, 'exception.released')).toBe(0);

    const data = await api.ok(KEYS.admin, RELEASE, { id: exceptionId });
    expect(data.releaseException).toMatchObject({ status: 'open', assignee: null });
    const [event] = await api.ds.query(`SELECT actor_role, data FROM audit_events WHERE subject_id = $1 AND action = 'exception.released'`, [exceptionId]);
    expect(event).toMatchObject({ actor_role: 'admin', data: { heldBy: '00000000-0000-4000-8000-000000000004' } });
  });

  it('refuses an item nobody holds, unknown ids and roles without the operation', async () => {
    const { exceptionId } = await openItem();
    expect(expectError(await api.gql(KEYS.reviewer, RELEASE, { id: exceptionId }), 'CONFLICT').extensions?.reason).toBe('illegal_transition');
    expectError(await api.gql(KEYS.reviewer, RELEASE, { id: UNKNOWN_ID }), 'NOT_FOUND');
    await api.ok(KEYS.reviewer, CLAIM, { id: exceptionId });
    expectError(await api.gql(KEYS.viewer, RELEASE, { id: exceptionId }), 'FORBIDDEN');
    expectError(await api.gql(KEYS.integrator, RELEASE, { id: exceptionId }), 'FORBIDDEN');
    expect(await auditCount(exceptionId, 'exception.released')).toBe(0);
  });
});

describe('resolveException', () => {
  it('retry requeues the run and dispatches it in the same transaction', async () => {
    const { exceptionId, runId } = await openItem();
    await api.ok(KEYS.reviewer, CLAIM, { id: exceptionId });
    const before = await dispatchCount(runId);
    const data = await api.ok(KEYS.reviewer, RESOLVE, { id: exceptionId, r: 'retry', note: '  The classifier service was restarting.  ' });
    expect(data.resolveException).toMatchObject({
      status: 'resolved',
      resolution: 'retry',
      resolutionNote: 'The classifier service was restarting.',
      resolutionOutput: null,
      handOffTo: null,
      resolvedBy: { email: 'rita@gatehouse.dev' },
      run: { id: runId, status: 'queued' },
    });
    expect(data.resolveException.resolvedAt).not.toBeNull();
    expect(await dispatchCount(runId)).toBe(before + 1);
    expect(await lastDispatch(runId)).toMatchObject({ v: 1, runId, stepId: 'check', cause: 'exception_retry', decisionId: exceptionId });
    expect(await auditCount(exceptionId, 'exception.resolved')).toBe(1);
    expect(await auditCount(runId, 'run.requeued')).toBe(1);
  });

  it('resolving an unclaimed item claims it for the resolver', async () => {
    const { exceptionId } = await openItem();
    const data = await api.ok(KEYS.reviewer2, RESOLVE, { id: exceptionId, r: 'retry', note: 'Looked transient' });
    expect(data.resolveException).toMatchObject({ status: 'resolved', assignee: { email: 'rafael@gatehouse.dev' }, resolvedBy: { email: 'rafael@gatehouse.dev' } });
    expect(data.resolveException.claimedAt).not.toBeNull();
  });

  it('override_output stores the corrected output and dispatches the run with it', async () => {
    const { exceptionId, runId } = await openItem();
    const output = { label: 'refund', confidence: 1 };
    const missing = expectError(await api.gql(KEYS.reviewer, RESOLVE, { id: exceptionId, r: 'override_output', note: 'Clearly a refund' }), 'BAD_USER_INPUT');
    expect(missing.extensions?.details).toEqual({ field: 'output' });
    expect(await runStatus(runId)).toBe('in_exception');
    // The override is held to the failing step's output schema, like the model's output was.
    const invalid = expectError(await api.gql(KEYS.reviewer, RESOLVE, { id: exceptionId, r: 'override_output', note: 'Clearly a refund', output: { label: 'banana', confidence: 1 } }), 'BAD_USER_INPUT');
    expect(invalid.message).toMatch(/output schema of step "check"/);
    expect(invalid.extensions?.details?.issues).toEqual([{ path: '/label', message: 'must be equal to one of the allowed values' }]);
    expect(await runStatus(runId)).toBe('in_exception');

    const before = await dispatchCount(runId);
    const data = await api.ok(KEYS.reviewer, RESOLVE, { id: exceptionId, r: 'override_output', note: 'Clearly a refund', output });
    expect(data.resolveException).toMatchObject({ resolution: 'override_output', resolutionOutput: output, run: { status: 'queued' } });
    expect(await dispatchCount(runId)).toBe(before + 1);
    expect(await lastDispatch(runId)).toMatchObject({ runId, stepId: 'check', cause: 'exception_override', decisionId: exceptionId });
    const [row] = await api.ds.query(`SELECT resolution_output FROM exception_items WHERE id = $1`, [exceptionId]);
    expect(row.resolution_output).toEqual(output);
  });

  it('output is refused with any other resolution', async () => {
    const { exceptionId, runId } = await openItem();
    expectError(await api.gql(KEYS.reviewer, RESOLVE, { id: exceptionId, r: 'retry', note: 'x', output: { label: 'refund' } }), 'BAD_USER_INPUT');
    expect(await runStatus(runId)).toBe('in_exception');
  });

  it('hand_off ends the run, defaulting to the policy hand-off, then the boundary one', async () => {
    const policy = await openItem('handoff', 'missing_data');
    const boundary = await openItem('handoff', 'low_confidence');
    const named = await openItem('handoff', 'missing_data');
    const before = await dispatchCount(policy.runId);

    const byPolicy = await api.ok(KEYS.reviewer, RESOLVE, { id: policy.exceptionId, r: 'hand_off', note: 'No order number' });
    expect(byPolicy.resolveException).toMatchObject({ resolution: 'hand_off', handOffTo: 'specialists', run: { status: 'handed_off' } });
    const byBoundary = await api.ok(KEYS.reviewer, RESOLVE, { id: boundary.exceptionId, r: 'hand_off', note: 'Unclear' });
    expect(byBoundary.resolveException).toMatchObject({ handOffTo: 'tier2', run: { status: 'handed_off' } });
    const explicit = await api.ok(KEYS.reviewer, RESOLVE, { id: named.exceptionId, r: 'hand_off', note: 'Legal question', to: 'legal' });
    expect(explicit.resolveException).toMatchObject({ handOffTo: 'legal', run: { status: 'handed_off' } });

    expect(await dispatchCount(policy.runId)).toBe(before);
    expect(await auditCount(policy.runId, 'run.handed_off')).toBe(1);
    const [event] = await api.ds.query(`SELECT data FROM audit_events WHERE subject_id = $1 AND action = 'exception.resolved'`, [policy.exceptionId]);
    expect(event.data).toMatchObject({ resolution: 'hand_off', handOffTo: 'specialists', note: 'No order number' });
  });

  it('cancel ends the run with the note as the reason and dispatches nothing', async () => {
    const { exceptionId, runId } = await openItem();
    await api.ok(KEYS.reviewer, CLAIM, { id: exceptionId });
    const before = await dispatchCount(runId);
    const data = await api.ok(KEYS.reviewer, RESOLVE, { id: exceptionId, r: 'cancel', note: 'Spam ticket' });
    expect(data.resolveException).toMatchObject({ resolution: 'cancel', run: { status: 'cancelled', cancelReason: 'exception_cancelled: Spam ticket' } });
    expect(await dispatchCount(runId)).toBe(before);
    expect(await auditCount(exceptionId, 'exception.resolved')).toBe(1);
    expect(await auditCount(runId, 'run.cancelled')).toBe(1);
  });

  it('a note is required, and a refused resolution writes nothing', async () => {
    const { exceptionId, runId } = await openItem();
    await api.ok(KEYS.reviewer, CLAIM, { id: exceptionId });
    const auditBefore = await countRows(api.ds, 'audit_events');
    const outboxBefore = await countRows(api.ds, 'outbox');
    const error = expectError(await api.gql(KEYS.reviewer, RESOLVE, { id: exceptionId, r: 'retry', note: '   ' }), 'BAD_USER_INPUT');
    expect(error.extensions?.details).toEqual({ field: 'note' });
    expectError(await api.gql(KEYS.reviewer, RESOLVE, { id: exceptionId, r: 'retry' }), 'BAD_USER_INPUT');
    expectError(await api.gql(KEYS.reviewer, RESOLVE, { id: exceptionId, r: 'ignore', note: 'x' }), 'BAD_USER_INPUT');
    expect(await countRows(api.ds, 'audit_events')).toBe(auditBefore);
    expect(await countRows(api.ds, 'outbox')).toBe(outboxBefore);
    expect(await runStatus(runId)).toBe('in_exception');
    const [row] = await api.ds.query(`SELECT status, resolution FROM exception_items WHERE id = $1`, [exceptionId]);
    expect(row).toEqual({ status: 'claimed', resolution: null });
  });

  it("someone else's item is a CONFLICT, and so is resolving twice", async () => {
    const { exceptionId, runId } = await openItem();
    await api.ok(KEYS.reviewer, CLAIM, { id: exceptionId });
    const auditBefore = await countRows(api.ds, 'audit_events');
    expect(expectError(await api.gql(KEYS.reviewer2, RESOLVE, { id: exceptionId, r: 'cancel', note: 'Mine now' }), 'CONFLICT').extensions?.reason).toBe('claimed_by_other');
    expect(await countRows(api.ds, 'audit_events')).toBe(auditBefore);
    expect(await runStatus(runId)).toBe('in_exception');

    await api.ok(KEYS.reviewer, RESOLVE, { id: exceptionId, r: 'retry', note: 'Retrying' });
    const twice = expectError(await api.gql(KEYS.reviewer, RESOLVE, { id: exceptionId, r: 'retry', note: 'Again' }), 'CONFLICT');
    expect(twice.extensions).toMatchObject({ reason: 'already_decided', details: { resolution: 'retry' } });
    expect(await auditCount(exceptionId, 'exception.resolved')).toBe(1);
    expect(await dispatchCount(runId)).toBe(2); // the start and the one retry
  });

  it('refuses roles without the operation and unknown ids', async () => {
    const { exceptionId, runId } = await openItem();
    expectError(await api.gql(KEYS.viewer, RESOLVE, { id: exceptionId, r: 'retry', note: 'x' }), 'FORBIDDEN');
    expectError(await api.gql(KEYS.integrator, RESOLVE, { id: exceptionId, r: 'cancel', note: 'x' }), 'FORBIDDEN');
    expectError(await api.gql(KEYS.reviewer, RESOLVE, { id: UNKNOWN_ID, r: 'retry', note: 'x' }), 'NOT_FOUND');
    expect(await runStatus(runId)).toBe('in_exception');
    expect(await auditCount(exceptionId, 'exception.resolved')).toBe(0);
  });
});

describe('resolveException racing cancelRun', () => {
  it('never deadlocks: the resolution that queued first wins, then the cancel ends the run', async () => {
    const { exceptionId, runId } = await openItem();
    // Hold the item so the resolution queues first and the cancel second. A resolution that
    // locked item → run and a cancel that locks run → items would deadlock on release.
    const holder = await holdRowLock(api.ds, 'exception_items', exceptionId);
    const resolve = api.gql(KEYS.reviewer, RESOLVE, { id: exceptionId, r: 'retry', note: 'Transient' });
    await waitForLockWaiters(api.ds, 1);
    const cancel = api.gql(KEYS.integrator, `mutation ($id: ID!) { cancelRun(runId: $id, reason: "withdrawn") { status } }`, { id: runId });
    await waitForLockWaiters(api.ds, 2);
    await holder.release();
    const [resolved, cancelled] = await Promise.all([resolve, cancel]);
    expect(resolved.errors, JSON.stringify(resolved.errors)).toBeUndefined();
    expect(cancelled.errors, JSON.stringify(cancelled.errors)).toBeUndefined();
    expect(await runStatus(runId)).toBe('cancelled');
    const [item] = await api.ds.query(`SELECT status, resolution FROM exception_items WHERE id = $1`, [exceptionId]);
    expect(item).toEqual({ status: 'resolved', resolution: 'retry' });
  });
});
