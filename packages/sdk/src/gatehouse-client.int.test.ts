import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatehouseError, type GatehouseClient, type RunSummary } from './index.js';
import { clientFor, KEYS, publishedWorkflow, rejection, startTestApi, VALID_INPUT, type TestApi } from './test/sdk-fixtures.js';

let api: TestApi;
let integrator: GatehouseClient;

beforeAll(async () => {
  api = await startTestApi();
  await publishedWorkflow(api, 'sdk-triage');
  integrator = clientFor(api.baseUrl, KEYS.integrator);
});
afterAll(() => api?.close());

describe('GatehouseClient against the real API', () => {
  it('starts, reads and lists runs, typed', async () => {
    const started = await integrator.startRun({ workflowKey: 'sdk-triage', input: VALID_INPUT, idempotencyKey: 'sdk-1', externalRef: 'T-1' });
    expect(started.replayed).toBe(false);
    const summary: RunSummary = started.run;
    expect(summary).toMatchObject({ status: 'queued', mode: 'shadow', version: 1, idempotencyKey: 'sdk-1', externalRef: 'T-1', currentStepId: 'classify', workflow: { key: 'sdk-triage' } });

    const run = await integrator.run(summary.id);
    expect(run).toMatchObject({ id: summary.id, input: VALID_INPUT, steps: [], approvals: [], exceptions: [] });

    await integrator.startRun({ workflowKey: 'sdk-triage', input: { ...VALID_INPUT, ticketId: 'T-2' }, idempotencyKey: 'sdk-2', externalRef: 'T-2' });
    const page = await integrator.runs({ filter: { workflowKey: 'sdk-triage' }, first: 1 });
    expect(page.edges.map((e) => e.node.externalRef)).toEqual(['T-2']);
    expect(page.pageInfo.hasNextPage).toBe(true);
    const all: string[] = [];
    for await (const r of integrator.allRuns({ workflowKey: 'sdk-triage' }, 1)) all.push(r.externalRef!);
    expect(all).toEqual(['T-2', 'T-1']);
  });

  it('replays an idempotent start: same key and input, same run', async () => {
    const first = await integrator.startRun({ workflowKey: 'sdk-triage', input: VALID_INPUT, idempotencyKey: 'sdk-replay' });
    const again = await integrator.startRun({ workflowKey: 'sdk-triage', input: VALID_INPUT, idempotencyKey: 'sdk-replay' });
    expect(again).toMatchObject({ replayed: true, run: { id: first.run.id } });
    // The same key with another input is a conflict, with the domain's reason.
    const error = await rejection(integrator.startRun({ workflowKey: 'sdk-triage', input: { ...VALID_INPUT, message: 'other' }, idempotencyKey: 'sdk-replay' }));
    expect(error).toMatchObject({ name: 'GatehouseError', code: 'CONFLICT', reason: 'idempotency_conflict', operationName: 'SdkStartRun' });
  });

  it('reads a workflow with its versions, definition and runbook', async () => {
    const workflow = await integrator.workflow('sdk-triage');
    expect(workflow).toMatchObject({ key: 'sdk-triage', rolloutStage: 'shadow', publishedVersion: { version: 1, status: 'published' } });
    expect(workflow.versions[0]!.definition).toHaveProperty('steps');
    expect(workflow.versions[0]!.runbook).toContain('## Overview');
  });

  it.each([
    ['bad input', () => integrator.startRun({ workflowKey: 'sdk-triage', input: { ticketId: 1 }, idempotencyKey: 'sdk-bad' }), 'BAD_USER_INPUT', 'invalid_input'],
    ['forbidden role', () => clientFor(api.baseUrl, KEYS.viewer).startRun({ workflowKey: 'sdk-triage', input: VALID_INPUT, idempotencyKey: 'sdk-viewer' }), 'FORBIDDEN', 'forbidden'],
    ['unknown run', () => integrator.run(randomUUID()), 'NOT_FOUND', 'not_found'],
    ['unknown workflow', () => integrator.workflow('no-such-workflow'), 'NOT_FOUND', 'not_found'],
    ['unknown key', () => clientFor(api.baseUrl, 'gh_no_such_key').run(randomUUID()), 'UNAUTHENTICATED', undefined],
    ['nothing published', () => integrator.startRun({ workflowKey: 'never-published', input: {}, idempotencyKey: 'x' }), 'NOT_FOUND', 'not_found'],
  ] as const)('maps %s to GatehouseError %s', async (_what, call, code, reason) => {
    const error = await rejection(call());
    expect(error).toBeInstanceOf(GatehouseError);
    expect(error).toMatchObject({ code, message: expect.stringMatching(/.{10,}/) });
    if (reason) expect((error as GatehouseError).reason).toBe(reason);
  });

  it('carries the details of bad input (each problem with its JSON Pointer)', async () => {
    const error = (await rejection(integrator.startRun({ workflowKey: 'sdk-triage', input: { ticketId: 1 }, idempotencyKey: 'sdk-bad' }))) as GatehouseError;
    expect(error.details).toMatchObject({ issues: expect.arrayContaining([expect.objectContaining({ path: expect.any(String) })]) });
  });

  it('manages webhook subscriptions: create (secret once), list, update, rotate, deliveries, delete', async () => {
    const created = await integrator.createWebhookSubscription({ workflowKey: 'sdk-triage', url: 'https://hooks.example.com/gatehouse', eventTypes: ['run.completed', 'approval.requested'], description: 'SDK test' });
    expect(created.secret.length).toBeGreaterThan(20);
    expect(created.subscription).toMatchObject({ url: 'https://hooks.example.com/gatehouse', eventTypes: ['run.completed', 'approval.requested'], enabled: true, workflow: { key: 'sdk-triage' } });
    const id = created.subscription.id;
    expect((await integrator.webhookSubscriptions('sdk-triage')).map((s) => s.id)).toEqual([id]);
    expect(await integrator.updateWebhookSubscription(id, { enabled: false })).toMatchObject({ id, enabled: false });
    const rotated = await integrator.rotateWebhookSecret(id);
    expect(rotated.secret).not.toBe(created.secret);
    expect(rotated.subscription.secretRotatedAt).not.toBeNull();
    expect(await integrator.webhookDeliveries({ subscriptionId: id })).toEqual({ edges: [], pageInfo: { hasNextPage: false, endCursor: null } });
    const refused = await rejection(integrator.createWebhookSubscription({ workflowKey: 'sdk-triage', url: 'https://hooks.example.com/x', eventTypes: ['no.such.event'] }));
    expect(refused).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(await integrator.deleteWebhookSubscription(id)).toBe(id);
    expect(await integrator.webhookSubscriptions('sdk-triage')).toEqual([]);
  });

  it('authenticates with a bearer token as well as x-api-key', async () => {
    const bearer = clientFor(api.baseUrl, '', { apiKey: undefined, token: KEYS.integrator });
    const page = await bearer.runs({ first: 1 });
    expect(page.edges).toHaveLength(1);
  });
});
