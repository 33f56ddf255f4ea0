import { STEP_DISPATCH_TOPIC } from '@gatehouse/domain';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from './test/run-cli.js';
import { driveRun, KEYS, publishedWorkflow, startTestApi, VALID_INPUT, type TestApi } from './test/test-api.js';

/*
 * Dead letters as the runner leaves them: a dispatch the transport gave up on (its outbox row
 * acknowledged with the reason, the row copied to dead_letters), one whose retries were exhausted
 * (the run went to the exception queue), garbage, and one about a run of another database.
 */
let api: TestApi;
let env: Record<string, string>;
let queuedRun: string;
let exceptionRun: string;
const ids: Record<'queued' | 'exhausted' | 'garbage' | 'unknownRun', number> = { queued: 0, exhausted: 0, garbage: 0, unknownRun: 0 };

const START = `mutation ($input: JSON!, $idem: String!) { startRun(workflowKey: "cli-dl", input: $input, idempotencyKey: $idem) { run { id } } }`;

async function deadLetter(payload: string, reason: string, runId: string | null): Promise<number> {
  const [row] = await api.ds.query(
    `INSERT INTO dead_letters (transport, topic, message_key, payload, reason, run_id) VALUES ('postgres', $1, $2, $3, $4, $5) RETURNING id::int AS id`,
    [STEP_DISPATCH_TOPIC, runId, payload, reason, runId],
  );
  return (row as { id: number }).id;
}

const outboxOf = async (runId: string) =>
  (await api.ds.query(`SELECT payload, published_at FROM outbox WHERE topic = $1 AND message_key = $2 ORDER BY id`, [STEP_DISPATCH_TOPIC, runId])) as Array<{ payload: Record<string, unknown>; published_at: Date | null }>;

beforeAll(async () => {
  api = await startTestApi();
  env = { DATABASE_URL: api.ownerUrl };
  await publishedWorkflow(api, 'cli-dl');
  queuedRun = (await api.ok<{ startRun: { run: { id: string } } }>(KEYS.integrator, START, { input: VALID_INPUT, idem: 'dl-1' })).startRun.run.id;
  // The Postgres transport gave up on the first dispatch: acknowledged with the reason, kept as a dead letter.
  const [dispatch] = await outboxOf(queuedRun);
  await api.ds.query(`UPDATE outbox SET published_at = now(), last_error = 'handler failed 5 times' WHERE message_key = $1`, [queuedRun]);
  ids.queued = await deadLetter(JSON.stringify(dispatch!.payload), 'handler failed 5 times: connection reset', queuedRun);

  exceptionRun = (await api.ok<{ startRun: { run: { id: string } } }>(KEYS.integrator, START, { input: { ...VALID_INPUT, message: 'Hello there' }, idem: 'dl-2' })).startRun.run.id;
  await driveRun(api.ds, exceptionRun, { model: () => ({ output: {} }) });
  ids.exhausted = await deadLetter(JSON.stringify({ v: 1, runId: exceptionRun, stepId: 'check', cause: 'advanced', seq: 2 }), 'tool_error after 3 tries: 503', exceptionRun);
  ids.garbage = await deadLetter('{"v":1,"runId":"not-a-uuid"', 'malformed step dispatch: not JSON', null);
  const elsewhere = randomUUID();
  ids.unknownRun = await deadLetter(JSON.stringify({ v: 1, runId: elsewhere, stepId: 'classify', cause: 'started' }), `no run ${elsewhere} in this database`, elsewhere);
});
afterAll(() => api?.close());

describe('gatehouse dead-letters', () => {
  it('lists them, oldest first, filtered by run', async () => {
    const all = await cli(['dead-letters', 'list', '--json'], env);
    expect(all.code, all.stderr).toBe(0);
    const rows = all.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows.map((r) => r.id)).toEqual([ids.queued, ids.exhausted, ids.garbage, ids.unknownRun]);
    expect(rows[0]).toMatchObject({ runId: queuedRun, stepId: 'classify', parseable: true, replayedAt: null, reason: 'handler failed 5 times: connection reset' });
    expect(rows[2]).toMatchObject({ runId: null, stepId: null, parseable: false });

    const one = await cli(['dead-letters', 'list', '--run', exceptionRun], env);
    expect(one.stdout).toContain(`#${ids.exhausted}`);
    expect(one.stdout).not.toContain(`#${ids.queued} `);
    const future = await cli(['dead-letters', 'list', '--since', '2999-01-01'], env);
    expect(future.stdout).toBe('no dead letters\n');
  });

  it('a dry run says what it would do and changes nothing', async () => {
    const before = await outboxOf(queuedRun);
    const result = await cli(['dead-letters', 'replay', '--all', '--dry-run'], env);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`#${ids.queued}  would replay: run ${queuedRun} step "classify" (seq 1)`);
    expect(result.stdout).toContain(`#${ids.garbage}  not replayed [unparseable]`);
    expect(result.stderr).toContain('dry run: 4 dead letters: 1 would be replayed, 0 already replayed, 3 not replayable');
    expect(await outboxOf(queuedRun)).toEqual(before);
    expect(await api.ds.query(`SELECT count(*)::int AS n FROM dead_letters WHERE replayed_at IS NOT NULL`)).toEqual([{ n: 0 }]);
  });

  it('replays one: a dispatch with the current seq, replayed_at and an audit event; a second time changes nothing', async () => {
    const result = await cli(['dead-letters', 'replay', '--id', String(ids.queued)], env);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe(`#${ids.queued}  replayed: run ${queuedRun} step "classify" (seq 1)\n`);
    const outbox = await outboxOf(queuedRun);
    expect(outbox).toHaveLength(2);
    expect(outbox[1]).toMatchObject({ payload: { v: 1, runId: queuedRun, stepId: 'classify', cause: 'started', seq: 1 }, published_at: null });
    const [row] = await api.ds.query(`SELECT replayed_at FROM dead_letters WHERE id = $1`, [ids.queued]);
    expect(row.replayed_at).toBeInstanceOf(Date);
    const events = await api.ds.query(`SELECT actor_role, subject_id, data FROM audit_events WHERE action = 'dead_letter.replayed'`);
    expect(events).toEqual([
      {
        actor_role: 'system',
        subject_id: queuedRun,
        data: expect.objectContaining({ deadLetterId: ids.queued, stepId: 'classify', seq: 1, deadLetterReason: 'handler failed 5 times: connection reset', operator: expect.stringContaining('gatehouse cli') }),
      },
    ]);

    const again = await cli(['dead-letters', 'replay', '--id', String(ids.queued)], env);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('not replayed [already_replayed]');
    expect(again.stderr).toContain('1 dead letters: 0 replayed, 1 already replayed, 0 not replayable');
    expect(await outboxOf(queuedRun)).toHaveLength(2);
  });

  it('--all works through the rest with progress and reports what it cannot replay (exit 1)', async () => {
    const result = await cli(['dead-letters', 'replay', '--all', '--progress', '--json'], env);
    expect(result.code).toBe(1);
    const outcomes = result.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(outcomes).toEqual([
      expect.objectContaining({ id: ids.exhausted, outcome: 'skipped', reason: 'run_needs_person', runId: exceptionRun }),
      expect.objectContaining({ id: ids.garbage, outcome: 'skipped', reason: 'unparseable', runId: null }),
      expect.objectContaining({ id: ids.unknownRun, outcome: 'skipped', reason: 'run_not_found' }),
    ]);
    expect(result.stderr).toContain('processed 1 of 3 dead letters\nprocessed 2 of 3 dead letters\nprocessed 3 of 3 dead letters\n');
    // Nothing of it was marked: they stay for the operator.
    expect(await api.ds.query(`SELECT id::int AS id FROM dead_letters WHERE replayed_at IS NOT NULL`)).toEqual([{ id: ids.queued }]);
  });

  it.each([
    [['dead-letters', 'replay'], 'BAD_ARGUMENT', 'say which dead letters: exactly one of --id <n>, --run <id> or --all'],
    [['dead-letters', 'replay', '--id', '1', '--all'], 'BAD_ARGUMENT', 'say which dead letters: exactly one of'],
    [['dead-letters', 'replay', '--run', 'nope'], 'BAD_ARGUMENT', '--run must be a run id'],
    [['dead-letters', 'replay', '--id', '999999'], 'NOT_FOUND', 'no dead letter with id 999999'],
    [['dead-letters', 'list', '--since', 'yesterday'], 'BAD_ARGUMENT', '--since must be an ISO 8601'],
  ])('%j → exit 2 [%s]', async (args, code, message) => {
    const result = await cli(args, env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`gatehouse: error [${code}]: ${message}`);
  });
});
