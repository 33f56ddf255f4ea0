import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatehouseClient, type GatehouseError, type SettledRun } from './index.js';
import { clientFor, driveRun, KEYS, NO_MODEL, publishedWorkflow, rejection, startTestApi, VALID_INPUT, type TestApi } from './test/sdk-fixtures.js';

// No runner in these tests: driveRun moves a run the way the runner would, while the SDK polls.
let api: TestApi;
let integrator: GatehouseClient;
let reviewer: GatehouseClient;

beforeAll(async () => {
  api = await startTestApi();
  await publishedWorkflow(api, 'sdk-wait');
  // In shadow nothing is sent, so nothing waits for approval: the pilot stage, draft, gates replies.
  await api.ok(KEYS.admin, `mutation { setRolloutStage(workflowKey: "sdk-wait", stage: draft, reason: "pilot", override: true) { rolloutStage } }`);
  integrator = clientFor(api.baseUrl, KEYS.integrator);
  reviewer = clientFor(api.baseUrl, KEYS.reviewer);
});
afterAll(() => api?.close());

describe('startRunAndWait', () => {
  it('gives up with WAIT_TIMEOUT while the run is still queued, and resumes by idempotency key', async () => {
    const input = { ...VALID_INPUT, ticketId: 'W-1' };
    const error = (await rejection(integrator.startRunAndWait({ workflowKey: 'sdk-wait', input, idempotencyKey: 'wait-1', timeoutMs: 300, pollIntervalMs: 50 }))) as GatehouseError;
    expect(error).toMatchObject({ code: 'WAIT_TIMEOUT', details: { status: 'queued' } });
    const runId = (error.details as { runId: string }).runId;

    // Called again with the same key (e.g. after a crash): the same run; the runner moves it meanwhile.
    const waiting = integrator.startRunAndWait({ workflowKey: 'sdk-wait', input, idempotencyKey: 'wait-1', timeoutMs: 10_000, pollIntervalMs: 50 });
    await sleep(150);
    await driveRun(api.ds, runId, NO_MODEL);
    const { run, replayed } = await waiting;
    expect(replayed).toBe(true);
    // A refund reply is customer-impacting: it waits for a reviewer's approval.
    expect(run).toMatchObject({ id: runId, status: 'waiting_approval', currentStepId: 'reply' });

    // The reviewer approves through the SDK; the run goes on and finishes.
    const detail = await integrator.run(runId);
    const approval = detail.approvals.find((a) => a.status === 'pending')!;
    const decided = await reviewer.decideApproval({ approvalId: approval.id, decision: 'approve', reason: 'Reads well' });
    expect(decided).toMatchObject({ id: approval.id, status: 'approved', decision: 'approve' });
    const finishing = integrator.waitForRun(runId, { timeoutMs: 10_000, pollIntervalMs: 50 });
    await driveRun(api.ds, runId, NO_MODEL);
    const finished: SettledRun = await finishing;
    expect(finished.status).toBe('completed');

    const record = await integrator.decisionRecord(runId);
    expect(record).toMatchObject({ runId, workflowKey: 'sdk-wait', runStatus: 'completed', version: 1 });
    const full = await integrator.run(runId);
    expect(full.steps.map((s) => s.stepId)).toEqual(expect.arrayContaining(['classify', 'check', 'branch', 'reply']));
  });

  it('resolves when the run lands in the exception queue, and resolveException sends it on', async () => {
    const waiting = integrator.startRunAndWait({ workflowKey: 'sdk-wait', input: { ...VALID_INPUT, ticketId: 'W-2', message: 'Hello there' }, idempotencyKey: 'wait-2', timeoutMs: 10_000, pollIntervalMs: 50 });
    const runId = await runIdOf('wait-2');
    await driveRun(api.ds, runId, NO_MODEL);
    const { run, replayed } = await waiting;
    expect(replayed).toBe(false);
    // "Hello there" matches no rule: confidence 0.4 is below the check's 0.6.
    expect(run.status).toBe('in_exception');

    const item = (await integrator.run(runId)).exceptions[0]!;
    expect(item).toMatchObject({ reason: 'low_confidence', status: 'open' });
    const resolved = await reviewer.resolveException({ exceptionId: item.id, resolution: 'cancel', note: 'Not a support request' });
    expect(resolved).toMatchObject({ id: item.id, status: 'resolved', resolution: 'cancel' });
    expect((await integrator.waitForRun(runId, { timeoutMs: 1000 })).status).toBe('cancelled');
  });

  it('returns a finished run at once', async () => {
    const input = { ...VALID_INPUT, ticketId: 'W-3' };
    const started = await integrator.startRun({ workflowKey: 'sdk-wait', input, idempotencyKey: 'wait-3' });
    expect(await integrator.cancelRun(started.run.id, 'Sent by mistake')).toMatchObject({ status: 'cancelled', cancelReason: 'Sent by mistake' });
    const { run, replayed } = await integrator.startRunAndWait({ workflowKey: 'sdk-wait', input, idempotencyKey: 'wait-3', timeoutMs: 1000 });
    expect({ status: run.status, replayed }).toEqual({ status: 'cancelled', replayed: true });
  });
});

/** The run the idempotency key started, once it exists. */
async function runIdOf(idempotencyKey: string): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const rows = (await api.ds.query(`SELECT id::text AS id FROM runs WHERE idempotency_key = $1`, [idempotencyKey])) as Array<{ id: string }>;
    if (rows[0]) return rows[0].id;
    await sleep(20);
  }
  throw new Error(`no run for ${idempotencyKey}`);
}
