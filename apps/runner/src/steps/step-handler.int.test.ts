import { createDataSource, releaseParkedDispatches, inTransaction } from '@gatehouse/db';
import type { WorkflowDefinition } from '@gatehouse/domain';
import { createTestDatabase, type TestDatabase } from '@gatehouse/db/testing';
import { pino } from 'pino';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { promptVersionOf } from '../executors/agent-executor.js';
import { startActionReceiver, type ActionReceiver } from '../test/action-receiver.js';
import { startModelServer, type ModelServer } from '../test/model-server.js';
import { attempts, auditActions, decide, drain, resolve, runRow, seedWorkflow, startRun } from '../test/fixtures.js';
import { createStepHandler } from './step-handler.js';
import { createStepIo } from './step-io.js';

const SECRET = 'test-secret-of-sufficient-length';
let db: TestDatabase;
let ds: DataSource;
let receiver: ActionReceiver;
let model: ModelServer;
let handler: ReturnType<typeof createStepHandler>;

/** classify (rules) → check (validate ≥ 0.6) → act (action, class chosen per test). */
function definition(actionClass: 'reversible' | 'customer_impacting', overrides: Partial<WorkflowDefinition> = {}): WorkflowDefinition {
  return {
    inputSchema: { type: 'object', properties: { message: { type: 'string' } } },
    steps: [
      { id: 'classify', kind: 'rules', field: '/message', rules: [{ label: 'refund', pattern: 'refund', flags: 'i', confidence: 0.9 }], defaultLabel: 'other', defaultConfidence: 0.3, template: 'Re: {{label}}' },
      { id: 'check', kind: 'validate', schema: { type: 'object', required: ['label'] }, minConfidence: 0.6 },
      { id: 'act', kind: 'action', action: 'tag_ticket', actionClass, webhookUrl: receiver.url },
    ],
    boundary: { trigger: 'ticket', allowedActions: [{ name: 'tag_ticket', actionClass, mode: 'may_execute' }], neverActions: ['delete_ticket'], handOffs: [{ name: 'tier2', to: 'Tier 2', when: 'unclear' }] },
    approvalPolicy: { requireApprovalFor: ['customer_impacting', 'irreversible'], minConfidence: 0.6 },
    exceptionPolicy: { tool_error: { action: 'retry', maxAttempts: 3, backoffMs: 10 }, missing_data: { action: 'hand_off', handOffTo: 'tier2' } },
    ...overrides,
  };
}

let counter = 0;
const key = () => `wf-${++counter}`;

beforeAll(async () => {
  db = await createTestDatabase(inject('gatehousePostgres'));
  ds = createDataSource({ url: db.url, poolSize: 4 });
  await ds.initialize();
  receiver = await startActionReceiver(SECRET);
  model = await startModelServer();
  const logger = pino({ level: 'silent' });
  const prices = { 'triage-model': { inputPerMillionUsd: 2, outputPerMillionUsd: 10 } };
  const io = createStepIo({ AGENT_BASE_URL: model.baseURL, AGENT_API_KEY: 'sk-test', AGENT_TIMEOUT_MS: 2000, agentPrices: prices, ACTION_WEBHOOK_URL: undefined, ACTION_TIMEOUT_MS: 300, actionSecret: SECRET }, logger);
  handler = createStepHandler({ ds, io, logger, ioConcurrency: 8, transport: 'postgres', deadLetterTopic: null });
});
afterAll(async () => {
  await receiver?.close();
  await model?.close();
  await ds?.destroy();
  await db?.drop();
});
beforeEach(() => {
  receiver.respond = () => 200;
});

describe('step handler', () => {
  it('runs a straight-through execute run to completion, tracing every step and sending the action once', async () => {
    const wf = await seedWorkflow(ds, key(), definition('reversible'), 'execute');
    const runId = await startRun(ds, wf, { message: 'I want a refund' });
    const delivered = await drain(ds, handler);

    expect(await runRow(ds, runId)).toMatchObject({ status: 'completed', current_step_id: 'act', dispatch_seq: 3 });
    const trace = await attempts(ds, runId);
    expect(trace.map((a) => [a.step_id, a.step_kind, a.attempt, a.status])).toEqual([
      ['classify', 'rules', 1, 'succeeded'],
      ['check', 'validate', 1, 'succeeded'],
      ['act', 'action', 1, 'succeeded'],
    ]);
    expect(trace[0]).toMatchObject({ provider: 'rules', confidence: 0.9, output: { label: 'refund', confidence: 0.9, draft: 'Re: refund' } });
    expect(trace[1]!.validation).toMatchObject({ valid: true, threshold: 0.6 });
    expect(trace[2]).toMatchObject({ provider: 'webhook', effect_key: `${runId}:act:1`, output: { delivered: true, status: 200 } });

    const mine = receiver.received.filter((r) => r.body.runId === runId);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ idempotencyKey: `${runId}:act:1`, signatureValid: true, body: { action: 'tag_ticket', args: { label: 'refund' } } });
    expect(await auditActions(ds, runId)).toEqual(['run.started', 'action.executed', 'run.completed']);

    // Redelivering every message of the run changes nothing: no attempt, no second send.
    await handler(delivered);
    expect(await attempts(ds, runId)).toHaveLength(3);
    expect(receiver.received.filter((r) => r.body.runId === runId)).toHaveLength(1);
  });

  it('records actions as "would have executed" in shadow mode and never sends them', async () => {
    const wf = await seedWorkflow(ds, key(), definition('customer_impacting'), 'shadow');
    const runId = await startRun(ds, wf, { message: 'refund please' });
    await drain(ds, handler);
    expect((await runRow(ds, runId)).status).toBe('completed');
    const act = (await attempts(ds, runId)).find((a) => a.step_id === 'act')!;
    expect(act.output).toEqual({ executed: false, wouldHaveExecuted: { action: 'tag_ticket', actionClass: 'customer_impacting', args: { label: 'refund', confidence: 0.9, matched: 'refund', draft: 'Re: refund' } } });
    expect(receiver.received.some((r) => r.body.runId === runId)).toBe(false);
    expect(await auditActions(ds, runId)).toContain('action.would_have_executed');
  });

  // Audit rows are never purged: a shadow action's arguments reach them redacted (docs/security.md, "Privacy").
  it("audits a shadow action's arguments redacted by the version's paths and the detectors", async () => {
    const classify = { id: 'classify', kind: 'rules' as const, field: '/message', rules: [{ label: 'refund', pattern: 'refund', flags: 'i', confidence: 0.9 }], defaultLabel: 'other', defaultConfidence: 0.3, template: 'Re: {{input.message}}' };
    const base = definition('customer_impacting');
    const wf = await seedWorkflow(ds, key(), { ...base, steps: [classify, ...base.steps.slice(1)], privacy: { redactPaths: ['$.label'], detectors: [] } }, 'shadow');
    const runId = await startRun(ds, wf, { message: 'refund to ada@example.com, or call +44 20 7946 0958' });
    await drain(ds, handler);
    const [event] = (await ds.query(`SELECT data FROM audit_events WHERE action = 'action.would_have_executed' AND subject_id = $1`, [runId])) as Array<{ data: Record<string, any> }>;
    // The trace follows the version's policy (detectors off here, so it keeps the address: retention purges it);
    // the audit row gets every detector, because nothing ever purges it.
    const act = (await attempts(ds, runId)).find((a) => a.step_id === 'act')!;
    expect(act.output).toMatchObject({ wouldHaveExecuted: { args: { label: 'refund', draft: 'Re: refund to ada@example.com, or call +44 20 7946 0958' } } });
    expect(event!.data.args).toEqual({ label: '[REDACTED:path]', confidence: 0.9, matched: 'refund', draft: 'Re: refund to [REDACTED:email], or call [REDACTED:phone]' });
    expect(event!.data.redactions).toMatchObject({ total: 3, paths: ['$.label'], detectors: [{ detector: 'email', count: 1 }, { detector: 'phone', count: 1 }] });
    const trail = JSON.stringify(await ds.query(`SELECT data FROM audit_events WHERE subject_id = $1 OR $1 = ANY(scope_ids)`, [runId]));
    expect(trail).not.toMatch(/ada@example|7946/);
  });

  it('gates every action in draft mode and sends the edited arguments after approval', async () => {
    const wf = await seedWorkflow(ds, key(), definition('reversible'), 'draft');
    const runId = await startRun(ds, wf, { message: 'refund' });
    await drain(ds, handler);
    expect(await runRow(ds, runId)).toMatchObject({ status: 'waiting_approval', current_step_id: 'act' });
    const [approval] = (await ds.query(`SELECT status, proposed, action_name FROM approvals WHERE run_id = $1`, [runId])) as Array<Record<string, unknown>>;
    expect(approval).toMatchObject({ status: 'pending', action_name: 'tag_ticket', proposed: { label: 'refund' } });
    expect(receiver.received.some((r) => r.body.runId === runId)).toBe(false);

    await decide(ds, runId, wf.reviewer, { decision: 'edit_and_approve', reason: 'wrong tag', editedOutput: { label: 'billing' } });
    await drain(ds, handler);
    expect((await runRow(ds, runId)).status).toBe('completed');
    const sent = receiver.received.filter((r) => r.body.runId === runId);
    expect(sent.map((r) => r.body.args)).toEqual([{ label: 'billing' }]);
    expect((await attempts(ds, runId)).filter((a) => a.step_id === 'act').map((a) => a.status)).toEqual(['gated', 'succeeded']);
  });

  it('in execute mode gates only the action classes the policy names', async () => {
    const wf = await seedWorkflow(ds, key(), definition('customer_impacting'), 'execute');
    const runId = await startRun(ds, wf, { message: 'refund' });
    await drain(ds, handler);
    expect((await runRow(ds, runId)).status).toBe('waiting_approval');
    await decide(ds, runId, wf.reviewer, { decision: 'reject', reason: 'no' });
    await drain(ds, handler);
    expect((await runRow(ds, runId)).status).toBe('cancelled');
    expect(receiver.received.some((r) => r.body.runId === runId)).toBe(false);
  });

  it('routes low confidence to the exception queue and an override continues the run', async () => {
    const wf = await seedWorkflow(ds, key(), definition('reversible'), 'execute');
    const runId = await startRun(ds, wf, { message: 'something odd' });
    await drain(ds, handler);
    expect(await runRow(ds, runId)).toMatchObject({ status: 'in_exception', current_step_id: 'check' });
    const [item] = (await ds.query(`SELECT reason, status, details FROM exception_items WHERE run_id = $1`, [runId])) as Array<Record<string, unknown>>;
    expect(item).toMatchObject({ reason: 'low_confidence', status: 'open', details: { confidence: 0.3, threshold: 0.6 } });

    await resolve(ds, runId, wf.reviewer, { resolution: 'override_output', note: 'it is a refund', output: { label: 'refund', confidence: 1 } });
    await drain(ds, handler);
    expect((await runRow(ds, runId)).status).toBe('completed');
    expect(receiver.received.filter((r) => r.body.runId === runId).map((r) => r.body.args)).toEqual([{ label: 'refund', confidence: 1 }]);
    const check = (await attempts(ds, runId)).filter((a) => a.step_id === 'check');
    expect(check.map((a) => [a.status, a.provider])).toEqual([['failed', null], ['succeeded', 'human']]);
  });

  it('hands a run with missing data to the manual path the policy names', async () => {
    const wf = await seedWorkflow(ds, key(), definition('reversible'), 'execute');
    const runId = await startRun(ds, wf, { other: 'no message here' });
    await drain(ds, handler);
    expect((await runRow(ds, runId)).status).toBe('handed_off');
    const [item] = (await ds.query(`SELECT reason, status, resolution, hand_off_to FROM exception_items WHERE run_id = $1`, [runId])) as Array<Record<string, unknown>>;
    expect(item).toEqual({ reason: 'missing_data', status: 'resolved', resolution: 'hand_off', hand_off_to: 'tier2' });
    // The hand-off is tracked until the manual path reports back, and audited with the rest.
    const handOffs = (await ds.query(`SELECT h.id, h.target, h.status, h.exception_id = x.id AS of_exception FROM hand_offs h JOIN exception_items x ON x.run_id = h.run_id WHERE h.run_id = $1`, [runId])) as Array<Record<string, unknown>>;
    expect(handOffs).toMatchObject([{ target: 'tier2', status: 'pending', of_exception: true }]);
    expect(await ds.query(`SELECT count(*)::int AS n FROM audit_events WHERE action = 'hand_off.created' AND subject_id = $1`, [handOffs[0]!.id])).toEqual([{ n: 1 }]);
  });

  it('blocks an action outside the boundary and audits it', async () => {
    const def = definition('reversible');
    def.boundary!.allowedActions = [{ name: 'something_else', actionClass: 'reversible', mode: 'may_execute' }];
    const wf = await seedWorkflow(ds, key(), def, 'execute');
    const runId = await startRun(ds, wf, { message: 'refund' });
    await drain(ds, handler);
    expect(await runRow(ds, runId)).toMatchObject({ status: 'in_exception', current_step_id: 'act' });
    const [item] = (await ds.query(`SELECT reason FROM exception_items WHERE run_id = $1`, [runId])) as Array<Record<string, unknown>>;
    expect(item!.reason).toBe('policy_blocked');
    expect(await auditActions(ds, runId)).toContain('action.blocked');
    expect(receiver.received.some((r) => r.body.runId === runId)).toBe(false);
  });

  it('retries a failing action with backoff and one idempotency key, then dead-letters it; a person retrying sends a new key', async () => {
    const wf = await seedWorkflow(ds, key(), definition('reversible'), 'execute');
    const runId = await startRun(ds, wf, { message: 'refund' });
    receiver.respond = (r) => (r.body.runId === runId ? 503 : 200);
    await drain(ds, handler, { dueNow: true });

    expect(await runRow(ds, runId)).toMatchObject({ status: 'in_exception', current_step_id: 'act' });
    const sent = receiver.received.filter((r) => r.body.runId === runId);
    expect(sent).toHaveLength(3);
    expect(new Set(sent.map((r) => r.idempotencyKey))).toEqual(new Set([`${runId}:act:1`]));
    const act = (await attempts(ds, runId)).filter((a) => a.step_id === 'act');
    expect(act.map((a) => [a.attempt, a.status, (a.error as { reason: string }).reason])).toEqual([[1, 'failed', 'tool_error'], [2, 'failed', 'tool_error'], [3, 'failed', 'tool_error']]);
    const [dead] = (await ds.query(`SELECT transport, reason, run_id::text AS run_id FROM dead_letters WHERE run_id = $1`, [runId])) as Array<Record<string, unknown>>;
    expect(dead).toMatchObject({ transport: 'postgres', run_id: runId });
    expect(String(dead!.reason)).toMatch(/^tool_error after 3 tries/);

    receiver.respond = () => 200;
    await resolve(ds, runId, wf.reviewer, { resolution: 'retry', note: 'receiver is back' });
    await drain(ds, handler);
    expect((await runRow(ds, runId)).status).toBe('completed');
    expect(receiver.received.filter((r) => r.body.runId === runId).at(-1)!.idempotencyKey).toBe(`${runId}:act:4`);
  });

  it('turns an action that outlives its timeout into a timeout exception after its retries', async () => {
    const def = definition('reversible', { exceptionPolicy: { timeout: { action: 'retry', maxAttempts: 2, backoffMs: 10 } } });
    (def.steps[2] as { timeoutMs?: number }).timeoutMs = 200;
    const wf = await seedWorkflow(ds, key(), def, 'execute');
    const runId = await startRun(ds, wf, { message: 'refund' });
    receiver.respond = (r) => (r.body.runId === runId ? 'hang' : 200);
    await drain(ds, handler, { dueNow: true });
    const [item] = (await ds.query(`SELECT reason FROM exception_items WHERE run_id = $1`, [runId])) as Array<Record<string, unknown>>;
    expect(item!.reason).toBe('timeout');
    expect((await attempts(ds, runId)).filter((a) => a.step_id === 'act')).toHaveLength(2);
  });

  it('holds the steps of a paused workflow and continues them on resume', async () => {
    const wf = await seedWorkflow(ds, key(), definition('reversible'), 'execute');
    await ds.query(`UPDATE workflows SET paused = true WHERE id = $1`, [wf.workflowId]);
    const runId = await startRun(ds, wf, { message: 'refund' });
    await drain(ds, handler);
    expect(await runRow(ds, runId)).toMatchObject({ status: 'queued', current_step_id: 'classify' });
    expect(await attempts(ds, runId)).toHaveLength(0);
    expect(await ds.query(`SELECT count(*)::int AS n FROM parked_dispatches WHERE run_id = $1`, [runId])).toEqual([{ n: 1 }]);

    await inTransaction(ds, async (tx) => {
      await tx.query(`UPDATE workflows SET paused = false WHERE id = $1`, [wf.workflowId]);
      expect(await releaseParkedDispatches(tx, wf.workflowId)).toBe(1);
    });
    await drain(ds, handler);
    expect((await runRow(ds, runId)).status).toBe('completed');
  });

  it('follows a route step to the branch its source output selects', async () => {
    const def: WorkflowDefinition = {
      ...definition('reversible'),
      steps: [
        { id: 'classify', kind: 'rules', field: '/message', rules: [{ label: 'refund', pattern: 'refund', confidence: 0.9 }], defaultLabel: 'other', defaultConfidence: 0.9 },
        { id: 'branch', kind: 'route', source: 'classify', field: '/label', branches: [{ equals: 'refund', goto: 'act' }], defaultGoto: 'done' },
        { id: 'act', kind: 'action', action: 'tag_ticket', actionClass: 'reversible', webhookUrl: receiver.url, argsFrom: 'classify' },
        { id: 'done', kind: 'validate', source: 'classify', schema: { type: 'object' } },
      ],
    };
    const wf = await seedWorkflow(ds, key(), def, 'execute');
    const other = await startRun(ds, wf, { message: 'hello' });
    await drain(ds, handler);
    expect((await attempts(ds, other)).map((a) => a.step_id)).toEqual(['classify', 'branch', 'done']);
    expect(receiver.received.some((r) => r.body.runId === other)).toBe(false);
  });

  it('runs an agent step through the OpenAI-compatible provider and traces tokens, cost and prompt version', async () => {
    const prompt = 'Classify this ticket: {{input.message}}';
    const def: WorkflowDefinition = {
      ...definition('reversible'),
      steps: [
        { id: 'triage', kind: 'agent', provider: 'openai', model: 'triage-model', prompt, outputSchema: { type: 'object', required: ['label', 'confidence'] }, minConfidence: 0.7 },
        { id: 'check', kind: 'validate', schema: { type: 'object', required: ['label'] } },
      ],
    };
    const wf = await seedWorkflow(ds, key(), def, 'execute');
    model.answer = () => ({ label: 'refund', confidence: 0.93 });
    const runId = await startRun(ds, wf, { message: 'money back please' });
    await drain(ds, handler);

    expect(await runRow(ds, runId)).toMatchObject({ status: 'completed', output: { label: 'refund', confidence: 0.93 } });
    const [triage] = await attempts(ds, runId);
    // 1000 tokens in at $2/M + 200 out at $10/M = $0.002 + $0.002.
    expect(triage).toMatchObject({ step_kind: 'agent', status: 'succeeded', provider: 'openai', model: 'triage-model', prompt_version: promptVersionOf(prompt), tokens_in: 1000, tokens_out: 200, cost_usd: '0.004000', confidence: 0.93 });
    expect(model.requests.at(-1)!.messages[0]!.content).toBe('Classify this ticket: money back please');

    // Below the step's threshold → low_confidence; a failing provider → retried, then model_error.
    model.answer = () => ({ label: 'other', confidence: 0.2 });
    const unsure = await startRun(ds, wf, { message: 'hmm' });
    await drain(ds, handler);
    expect(await ds.query(`SELECT reason FROM exception_items WHERE run_id = $1`, [unsure])).toEqual([{ reason: 'low_confidence' }]);

    model.answer = () => 503;
    const failing = await startRun(ds, wf, { message: 'x' });
    await drain(ds, handler, { dueNow: true });
    expect(await ds.query(`SELECT reason FROM exception_items WHERE run_id = $1`, [failing])).toEqual([{ reason: 'model_error' }]);
    expect((await attempts(ds, failing)).map((a) => a.status)).toEqual(['failed', 'failed', 'failed']);
  });

  it('fails an agent step that names the rules provider clearly, without calling a model', async () => {
    const def: WorkflowDefinition = {
      ...definition('reversible'),
      steps: [{ id: 'triage', kind: 'agent', provider: 'rules', model: 'none', prompt: 'x', outputSchema: { type: 'object' } }],
    };
    const wf = await seedWorkflow(ds, key(), def, 'execute');
    const before = model.requests.length;
    const runId = await startRun(ds, wf, { message: 'x' });
    await drain(ds, handler);
    expect(await ds.query(`SELECT reason, details->>'message' AS message FROM exception_items WHERE run_id = $1`, [runId])).toEqual([
      { reason: 'model_error', message: 'Agent step "triage" names provider "rules", which cannot answer prompts; use a rules step or provider "openai".' },
    ]);
    expect(model.requests.length).toBe(before);
  });

  it('dead-letters garbage and runs that do not exist, processes the rest of the batch and acknowledges it all in the commit', async () => {
    const wf = await seedWorkflow(ds, key(), definition('reversible'), 'execute');
    const runId = await startRun(ds, wf, { message: 'refund' });
    const [row] = (await ds.query(`SELECT id::text AS id, payload::text AS value FROM outbox WHERE message_key = $1`, [runId])) as Array<{ id: string; value: string }>;
    await ds.query(`UPDATE outbox SET published_at = now() WHERE message_key = $1`, [runId]);
    const acknowledged: unknown[] = [];
    const outcome = await handler([
      { id: 'g1', key: null, value: 'not json at all', deliveryCount: 1 },
      { id: 'g2', key: 'x', value: JSON.stringify({ v: 1, runId: '00000000-0000-4000-8000-000000000000', stepId: 'a', cause: 'started', seq: 1 }), deliveryCount: 1 },
      { id: 'ok', key: runId, value: row!.value, deliveryCount: 1 },
    ], {
      // The Postgres transport's hook: called in the commit's transaction, with every dead letter.
      acknowledgeIn: async (tx, deadLetters) => {
        const count = `SELECT count(*)::int AS n FROM step_attempts WHERE run_id = $1`;
        acknowledged.push({ deadLetters: deadLetters.map((d) => d.delivery.id), inside: await tx.query(count, [runId]), outside: await ds.query(count, [runId]) });
      },
    });
    expect(outcome.deadLetters.map((d) => [d.delivery.id, d.reason])).toEqual([
      ['g1', 'malformed step dispatch: not JSON'],
      ['g2', 'no run 00000000-0000-4000-8000-000000000000 in this database'],
    ]);
    expect(await attempts(ds, runId)).toHaveLength(1);
    expect(acknowledged).toEqual([{ deadLetters: ['g1', 'g2'], inside: [{ n: 1 }], outside: [{ n: 0 }] }]);
  });

  it('lets only one of two runners racing on the same dispatch commit its result', async () => {
    const wf = await seedWorkflow(ds, key(), definition('reversible'), 'execute');
    const runId = await startRun(ds, wf, { message: 'refund' });
    const [row] = (await ds.query(`UPDATE outbox SET published_at = now() WHERE message_key = $1 RETURNING payload::text AS value`, [runId])) as [Array<{ value: string }>, number];
    const delivery = { id: 'dup', key: runId, value: row[0]!.value, deliveryCount: 1 };
    await Promise.all([handler([delivery]), handler([delivery]), handler([delivery])]);
    expect((await attempts(ds, runId)).map((a) => a.step_id)).toEqual(['classify']);
    expect(await runRow(ds, runId)).toMatchObject({ status: 'running', current_step_id: 'check', dispatch_seq: 2 });
    expect(await ds.query(`SELECT count(*)::int AS n FROM outbox WHERE message_key = $1 AND published_at IS NULL`, [runId])).toEqual([{ n: 1 }]);
  });
});
