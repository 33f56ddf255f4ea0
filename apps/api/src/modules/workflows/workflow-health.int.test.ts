import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEYS, publishedWorkflow, startRun } from '../../test/fixtures.js';
import { startTestApi, type TestApi } from '../../test/test-api.js';

const HEALTH = `query ($key: String!) { workflow(key: $key) { health { status windowHours finishedRuns failedRuns signals { kind severity count message } } } }`;
const LIST = `{ workflows { key health { status } } }`;
const PAUSE = `mutation ($key: String!) { pauseWorkflow(workflowKey: $key, reason: "incident") { health { status signals { kind } } } }`;

interface Health {
  status: string;
  windowHours: number;
  finishedRuns: number;
  failedRuns: number;
  signals: Array<{ kind: string; severity: string; count: number; message: string }>;
}

let api: TestApi;
const health = async (key: string) => (await api.ok<{ workflow: { health: Health } }>(KEYS.viewer, HEALTH, { key })).workflow.health;

/** A run of `key` the runner would have finished as `status` (no runner runs in these tests). */
async function finishedRun(key: string, idem: string, status: 'completed' | 'failed'): Promise<string> {
  const id = await startRun(api, key, idem);
  await api.ds.query(`UPDATE runs SET status = $2, started_at = now(), finished_at = now() WHERE id = $1`, [id, status]);
  return id;
}

async function openException(runId: string, dueAt: Date): Promise<void> {
  await api.ds.query(
    `INSERT INTO exception_items (run_id, workflow_id, step_id, reason, status, due_at)
     SELECT id, workflow_id, 'classify', 'low_confidence', 'open', $2 FROM runs WHERE id = $1`,
    [runId, dueAt],
  );
}

beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

describe('Workflow.health', () => {
  it('is healthy for a quiet workflow, with the window and sample it judged', async () => {
    await publishedWorkflow(api, 'health-quiet');
    await finishedRun('health-quiet', 'q-1', 'completed');
    expect(await health('health-quiet')).toEqual({ status: 'healthy', windowHours: 24, finishedRuns: 1, failedRuns: 0, signals: [] });
  });

  it('needs attention while an exception waits within SLA or a run failed', async () => {
    await publishedWorkflow(api, 'health-waiting');
    const run = await startRun(api, 'health-waiting', 'w-1');
    await openException(run, new Date(Date.now() + 3_600_000));
    await finishedRun('health-waiting', 'w-2', 'failed');
    const h = await health('health-waiting');
    expect(h.status).toBe('attention');
    expect(h.signals.map((s) => [s.kind, s.count])).toEqual([
      ['failed_runs', 1],
      ['open_exceptions', 1],
    ]);
  });

  it('is critical when an SLA is breached now or 20% of at least 5 finished runs failed', async () => {
    await publishedWorkflow(api, 'health-overdue');
    const run = await startRun(api, 'health-overdue', 'o-1');
    await openException(run, new Date(Date.now() - 60_000));
    const overdue = await health('health-overdue');
    expect(overdue.status).toBe('critical');
    expect(overdue.signals[0]).toMatchObject({ kind: 'sla_breached', severity: 'critical', count: 1 });

    await publishedWorkflow(api, 'health-failing');
    for (let i = 0; i < 4; i++) await finishedRun('health-failing', `f-ok-${i}`, 'completed');
    await finishedRun('health-failing', 'f-bad', 'failed');
    const failing = await health('health-failing');
    expect(failing).toMatchObject({ status: 'critical', finishedRuns: 5, failedRuns: 1 });
    expect(failing.signals[0]!.message).toContain('1 of 5');

    // Runs started before the window no longer count.
    await api.ds.query(`UPDATE runs SET created_at = now() - interval '25 hours' WHERE idempotency_key = 'f-bad'`);
    expect(await health('health-failing')).toMatchObject({ status: 'healthy', finishedRuns: 4, failedRuns: 0 });
  });

  it('paused outranks everything; the list carries health for every workflow', async () => {
    const paused = await api.ok<{ pauseWorkflow: { health: { status: string; signals: Array<{ kind: string }> } } }>(KEYS.owner, PAUSE, { key: 'health-overdue' });
    expect(paused.pauseWorkflow.health).toEqual({ status: 'paused', signals: [{ kind: 'paused' }, { kind: 'sla_breached' }] });
    const list = await api.ok<{ workflows: Array<{ key: string; health: { status: string } }> }>(KEYS.viewer, LIST);
    expect(Object.fromEntries(list.workflows.map((w) => [w.key, w.health.status]))).toMatchObject({
      'health-quiet': 'healthy',
      'health-waiting': 'attention',
      'health-overdue': 'paused',
      'health-failing': 'healthy',
    });
  });
});
