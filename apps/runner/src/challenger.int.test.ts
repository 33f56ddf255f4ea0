import { dispatchStep, inTransaction, loadChallengerPairs } from '@gatehouse/db';
import { compareChallenger, DEFAULT_EVALUATION_POLICY, type JsonValue, type WorkflowDefinition } from '@gatehouse/domain';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { auditActions, runRow, seedWorkflow, startRun, type SeededWorkflow } from './test/fixtures.js';
import { runnerOnPostgres } from './test/runner-on-postgres.js';

/*
 * Champion / challenger with the real runner: a challenger run executes beside its live run,
 * in shadow, on the challenger version. The action receiver proves its actions never go out
 * (the champion's do, in execute), a failing challenger run ends without bothering reviewers,
 * and the comparison reads what both produced.
 */
const SECRET = 'runner-challenger-secret-0123456789';
const fixture = runnerOnPostgres(SECRET);

const definition = (url: string, rules: Array<{ label: string; pattern: string; confidence: number }>): WorkflowDefinition => ({
  inputSchema: { type: 'object', required: ['message'], properties: { message: { type: 'string' } } },
  steps: [
    { id: 'classify', kind: 'rules', field: '/message', rules, defaultLabel: 'other', defaultConfidence: 0.9 },
    { id: 'check', kind: 'validate', source: 'classify', schema: { type: 'object', required: ['label'] }, minConfidence: 0.5 },
    { id: 'act', kind: 'action', action: 'reply', actionClass: 'reversible', webhookUrl: url, argsFrom: 'classify' },
  ],
  boundary: { trigger: 't', allowedActions: [{ name: 'reply', actionClass: 'reversible', mode: 'may_execute' }], neverActions: [], handOffs: [] },
});

/** The approved challenger version, attached at 100 % (as attachChallenger writes it). */
async function attachChallenger(wf: SeededWorkflow, def: WorkflowDefinition): Promise<string> {
  const [row] = (await fixture.ds.query(
    `INSERT INTO workflow_versions (workflow_id, version, status, definition, author_id) VALUES ($1, 2, 'approved', $2::jsonb, $3) RETURNING id::text AS id`,
    [wf.workflowId, JSON.stringify(def), wf.ownerId],
  )) as Array<{ id: string }>;
  await fixture.ds.query(`UPDATE workflows SET challenger_version_id = $1, challenger_share = 100, challenger_attached_by = $2, challenger_attached_at = now() - interval '1 minute' WHERE id = $3`, [row!.id, wf.ownerId, wf.workflowId]);
  return row!.id;
}

/** The challenger run of a live run and its first dispatch, as startRun inserts them (shadow, linked). */
async function startChallengerRun(championRunId: string, versionId: string): Promise<string> {
  const id = randomUUID();
  await inTransaction(fixture.ds, async (tx) => {
    await tx.query(
      `INSERT INTO runs (id, workflow_id, version_id, mode, status, input, input_hash, idempotency_key, current_step_id, created_by, champion_run_id)
       SELECT $1, r.workflow_id, $2, 'shadow', 'queued', r.input, r.input_hash, 'challenger:' || r.id, 'classify', r.created_by, r.id FROM runs r WHERE r.id = $3`,
      [id, versionId, championRunId],
    );
    await dispatchStep(tx, { runId: id, stepId: 'classify', cause: 'started', seq: 1 });
  });
  return id;
}

async function settled(id: string): Promise<{ status: string; output: JsonValue; error: JsonValue }> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const row = await runRow(fixture.ds, id);
    if (['completed', 'failed', 'in_exception', 'cancelled', 'handed_off', 'waiting_approval'].includes(row.status) || Date.now() > deadline) return row;
    await sleep(50);
  }
}

describe('challenger runs with the real runner', () => {
  it('shadow their live runs: the champion acts, the challenger only records, a failing challenger ends quietly, and the comparison counts both', async () => {
    const url = fixture.receiver.url;
    const wf = await seedWorkflow(fixture.ds, 'challenged', definition(url, [{ label: 'refund', pattern: 'refund', confidence: 0.9 }]), 'execute');
    const challengerVersionId = await attachChallenger(
      wf,
      definition(url, [
        { label: 'refund', pattern: 'refund|money back', confidence: 0.9 },
        { label: 'broken', pattern: 'broken', confidence: 0.2 },
      ]),
    );
    // champion → challenger: refund → refund (agree), other → refund (disagree), other → broken at
    // 0.2 (low confidence: the challenger fails, disagree), other → other (agree).
    const messages = ['refund please', 'money back now', 'it is broken', 'hello there'];
    const pairs: Array<{ live: string; challenger: string }> = [];
    for (const message of messages) {
      const live = await startRun(fixture.ds, wf, { message });
      pairs.push({ live, challenger: await startChallengerRun(live, challengerVersionId) });
    }

    for (const { live, challenger } of pairs) {
      expect((await settled(live)).status).toBe('completed');
      const shadow = await settled(challenger);
      expect(shadow.status).toBe(pairs[2]!.challenger === challenger ? 'failed' : 'completed');
    }

    // The receiver saw each live run's action exactly once and nothing from any challenger run.
    const sentFor = (runId: string) => fixture.receiver.received.filter((r) => r.body.runId === runId);
    for (const { live, challenger } of pairs) {
      expect(sentFor(live)).toHaveLength(1);
      expect(sentFor(challenger)).toHaveLength(0);
    }
    const recorded = await settled(pairs[1]!.challenger);
    expect(recorded.output).toEqual({ executed: false, wouldHaveExecuted: { action: 'reply', actionClass: 'reversible', args: { label: 'refund', confidence: 0.9, matched: expect.anything() } } });
    expect(await auditActions(fixture.ds, pairs[1]!.challenger)).toContain('action.would_have_executed');
    expect(await auditActions(fixture.ds, pairs[1]!.challenger)).not.toContain('action.executed');

    // The failing challenger run: no exception for reviewers, no dead letter for operators.
    const failed = await settled(pairs[2]!.challenger);
    expect(failed.error).toMatchObject({ code: 'low_confidence' });
    const [counts] = (await fixture.ds.query(
      `SELECT (SELECT count(*)::int FROM exception_items WHERE run_id = $1) AS exceptions, (SELECT count(*)::int FROM dead_letters WHERE run_id = $1) AS "deadLetters"`,
      [pairs[2]!.challenger],
    )) as Array<{ exceptions: number; deadLetters: number }>;
    expect(counts).toEqual({ exceptions: 0, deadLetters: 0 });

    const comparison = compareChallenger(await loadChallengerPairs(fixture.ds.manager, challengerVersionId, new Date(0)), { ...DEFAULT_EVALUATION_POLICY, minSampleSize: 4 });
    expect(comparison).toMatchObject({ pairs: 4, finished: 4, vsChampion: { agreed: 2, sampleSize: 4, rate: 0.5 }, vsHuman: { sampleSize: 0 } });
    expect(comparison.gate).toMatchObject({ agreed: 2, sampleSize: 4, meetsThreshold: false });
    expect(comparison.challenger).toMatchObject({ runs: 4, failed: 1 });
    expect(comparison.champion).toMatchObject({ runs: 4, failed: 0 });
  });
});
