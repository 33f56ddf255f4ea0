import { raiseRunException } from '@gatehouse/db';
import { EXCEPTION_DUE_SOON_MINUTES, type ExceptionReason, type WorkflowDefinition } from '@gatehouse/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFINITION, KEYS, publishedWorkflow, startRun } from '../../test/fixtures.js';
import { expectError, startTestApi, type TestApi } from '../../test/test-api.js';

/* The queue screen's needs: age and SLA-state filters, sort orders, one item by id, the failing step's output schema. */

const QUEUE = `query ($filter: ExceptionFilter, $first: Int, $after: String, $orderBy: ExceptionQueueOrder) {
  exceptionQueue(filter: $filter, first: $first, after: $after, orderBy: $orderBy) {
    edges { cursor node { id status slaState dueAt createdAt run { id externalRef } } }
    pageInfo { hasNextPage endCursor }
  }
}`;
const ONE = `query ($id: ID!) { exception(id: $id) { id status stepId slaState stepOutputSchema workflow { key } run { id status } } }`;
const CLAIM = `mutation ($id: ID!) { claimException(exceptionId: $id) { id stepOutputSchema } }`;
const UNKNOWN_ID = '00000000-0000-4000-8000-0000000000ee';
const MIN = 60_000;

/** Support triage whose exceptions carry no SLA. */
const NO_SLA: WorkflowDefinition = { ...DEFINITION, slas: undefined as never };
delete (NO_SLA as Partial<WorkflowDefinition>).slas;

let api: TestApi;
let seq = 0;

async function openItem(workflowKey: string, reason: ExceptionReason = 'low_confidence', stepId = 'check'): Promise<{ exceptionId: string; runId: string }> {
  const runId = await startRun(api, workflowKey, `queue-${++seq}`);
  const item = await raiseRunException(api.ds, runId, { stepId, reason, details: { confidence: 0.4, threshold: 0.6 } });
  return { exceptionId: item.id, runId };
}

/** Moves an item in time: opened `ageMinutes` ago, due `dueInMinutes` from now (null: no SLA). */
async function place(id: string, ageMinutes: number, dueInMinutes: number | null): Promise<void> {
  const now = Date.now();
  await api.ds.query(`UPDATE exception_items SET created_at = $2, due_at = $3 WHERE id = $1`, [
    id,
    new Date(now - ageMinutes * MIN),
    dueInMinutes === null ? null : new Date(now + dueInMinutes * MIN),
  ]);
}

const ids = (data: any): string[] => data.exceptionQueue.edges.map((e: any) => e.node.id);

beforeAll(async () => {
  api = await startTestApi();
  await publishedWorkflow(api, 'sla');
  await publishedWorkflow(api, 'nosla', NO_SLA);
});
afterAll(() => api.close());

describe('exceptionQueue filters and orders', () => {
  // Opened 300, 120, 30, 10 and 5 minutes ago; due -60 (overdue), +30 (due soon), +200 (on track), none, +(soon boundary).
  let overdue: string, soon: string, track: string, none: string, edge: string;

  beforeAll(async () => {
    overdue = (await openItem('sla')).exceptionId;
    soon = (await openItem('sla')).exceptionId;
    track = (await openItem('sla')).exceptionId;
    none = (await openItem('nosla')).exceptionId;
    edge = (await openItem('sla')).exceptionId;
    await place(overdue, 300, -60);
    await place(soon, 120, 30);
    await place(track, 30, 200);
    await place(none, 10, null);
    // Just past the due-soon window: on track.
    await place(edge, 5, EXCEPTION_DUE_SOON_MINUTES + 2);
  });

  it('reports each item\'s SLA state by the documented boundaries', async () => {
    const data = await api.ok(KEYS.reviewer, QUEUE, { first: 100 });
    const state = new Map(data.exceptionQueue.edges.map((e: any) => [e.node.id, e.node.slaState]));
    expect([overdue, soon, track, none, edge].map((id) => state.get(id))).toEqual(['overdue', 'due_soon', 'on_track', 'no_sla', 'on_track']);
  });

  it('filters by SLA state, one or several', async () => {
    expect(ids(await api.ok(KEYS.reviewer, QUEUE, { filter: { slaStates: ['overdue'] } }))).toEqual([overdue]);
    expect(ids(await api.ok(KEYS.reviewer, QUEUE, { filter: { slaStates: ['due_soon'] } }))).toEqual([soon]);
    expect(ids(await api.ok(KEYS.reviewer, QUEUE, { filter: { slaStates: ['on_track'] } }))).toEqual([track, edge]);
    expect(ids(await api.ok(KEYS.reviewer, QUEUE, { filter: { slaStates: ['no_sla'] } }))).toEqual([none]);
    expect(ids(await api.ok(KEYS.reviewer, QUEUE, { filter: { slaStates: ['overdue', 'due_soon'] } }))).toEqual([overdue, soon]);
    // Combined with the other filters (AND), not instead of them.
    expect(ids(await api.ok(KEYS.reviewer, QUEUE, { filter: { workflowKey: 'nosla', slaStates: ['overdue', 'on_track'] } }))).toEqual([]);
  });

  it('filters by minimum age in minutes', async () => {
    expect(ids(await api.ok(KEYS.reviewer, QUEUE, { filter: { minAgeMinutes: 60 } }))).toEqual([overdue, soon]);
    expect(ids(await api.ok(KEYS.reviewer, QUEUE, { filter: { minAgeMinutes: 240 } }))).toEqual([overdue]);
    expect(ids(await api.ok(KEYS.reviewer, QUEUE, { filter: { minAgeMinutes: 0 } }))).toEqual([overdue, soon, track, none, edge]);
    expect(ids(await api.ok(KEYS.reviewer, QUEUE, { filter: { minAgeMinutes: 24 * 60 } }))).toEqual([]);
    expect(expectError(await api.gql(KEYS.reviewer, QUEUE, { filter: { minAgeMinutes: -1 } }), 'BAD_USER_INPUT').extensions?.details).toEqual({ field: 'minAgeMinutes' });
    expectError(await api.gql(KEYS.reviewer, QUEUE, { filter: { minAgeMinutes: 600_000 } }), 'BAD_USER_INPUT');
    expectError(await api.gql(KEYS.reviewer, QUEUE, { filter: { slaStates: ['late'] } }), 'BAD_USER_INPUT');
  });

  it('sorts oldest first by default, newest first, or due soonest with no-SLA items last', async () => {
    expect(ids(await api.ok(KEYS.reviewer, QUEUE, {}))).toEqual([overdue, soon, track, none, edge]);
    expect(ids(await api.ok(KEYS.reviewer, QUEUE, { orderBy: 'oldest' }))).toEqual([overdue, soon, track, none, edge]);
    expect(ids(await api.ok(KEYS.reviewer, QUEUE, { orderBy: 'newest' }))).toEqual([edge, none, track, soon, overdue]);
    expect(ids(await api.ok(KEYS.reviewer, QUEUE, { orderBy: 'due_soonest' }))).toEqual([overdue, soon, edge, track, none]);
    expectError(await api.gql(KEYS.reviewer, QUEUE, { orderBy: 'random' }), 'BAD_USER_INPUT');
  });

  it('pages every order with first and after, without gaps or repeats', async () => {
    const expected: Record<string, string[]> = {
      oldest: [overdue, soon, track, none, edge],
      newest: [edge, none, track, soon, overdue],
      due_soonest: [overdue, soon, edge, track, none],
    };
    for (const [orderBy, all] of Object.entries(expected)) {
      const seen: string[] = [];
      let after: string | null = null;
      for (let page = 0; page < 5; page++) {
        const data: any = await api.ok(KEYS.reviewer, QUEUE, { orderBy, first: 2, after });
        seen.push(...ids(data));
        if (!data.exceptionQueue.pageInfo.hasNextPage) break;
        after = data.exceptionQueue.pageInfo.endCursor;
      }
      expect(seen, orderBy).toEqual(all);
    }
  });

  it('a page of items batches their runs (each item still gets its own run)', async () => {
    const data = await api.ok(KEYS.reviewer, QUEUE, { first: 100 });
    const runIds = data.exceptionQueue.edges.map((e: any) => e.node.run.id);
    expect(new Set(runIds).size).toBe(runIds.length);
    for (const id of runIds) expect(id).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('exception(id) and stepOutputSchema', () => {
  it('returns one item with the failing step\'s output schema from the run\'s version', async () => {
    const { exceptionId, runId } = await openItem('sla');
    const data = await api.ok(KEYS.viewer, ONE, { id: exceptionId });
    expect(data.exception).toMatchObject({ id: exceptionId, status: 'open', stepId: 'check', slaState: 'on_track', workflow: { key: 'sla' }, run: { id: runId, status: 'in_exception' } });
    // The demo's validate step `check` states the schema the classifier's output must meet.
    const check = DEFINITION.steps.find((s) => s.id === 'check');
    expect(check?.kind).toBe('validate');
    expect(data.exception.stepOutputSchema).toEqual(check?.kind === 'validate' ? check.schema : undefined);
    expect(data.exception.stepOutputSchema).toMatchObject({ required: ['label', 'confidence'] });
    // Mutations answer with it too, so the console's editor keeps its schema after a claim.
    expect((await api.ok(KEYS.reviewer, CLAIM, { id: exceptionId })).claimException.stepOutputSchema).toEqual(data.exception.stepOutputSchema);
  });

  it('is null for a step that states no output schema', async () => {
    const { exceptionId } = await openItem('sla', 'tool_error', 'reply');
    const data = await api.ok(KEYS.reviewer, ONE, { id: exceptionId });
    expect(data.exception).toMatchObject({ stepId: 'reply', stepOutputSchema: null });
  });

  it('reports a resolved item without an SLA state', async () => {
    const { exceptionId } = await openItem('sla');
    await api.ok(KEYS.reviewer, `mutation ($id: ID!) { resolveException(exceptionId: $id, resolution: cancel, note: "duplicate") { id } }`, { id: exceptionId });
    expect((await api.ok(KEYS.reviewer, ONE, { id: exceptionId })).exception).toMatchObject({ status: 'resolved', slaState: null });
  });

  it('NOT_FOUND for unknown ids; FORBIDDEN for roles that may not read the queue', async () => {
    expectError(await api.gql(KEYS.reviewer, ONE, { id: UNKNOWN_ID }), 'NOT_FOUND');
    expectError(await api.gql(KEYS.reviewer, ONE, { id: 'not-a-uuid' }), 'NOT_FOUND');
    const { exceptionId } = await openItem('sla');
    expectError(await api.gql(KEYS.integrator, ONE, { id: exceptionId }), 'FORBIDDEN');
    expectError(await api.gql(null, ONE, { id: exceptionId }), 'UNAUTHENTICATED');
  });
});
