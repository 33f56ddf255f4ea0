import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkflowDefinition } from '@gatehouse/domain';
import { SUPPORT_TRIAGE } from '../../seed/demo-workflows.js';
import { driveRun, type DriveOptions } from '../../test/drive-run.js';
import { KEYS, publishedWorkflow, startRun } from '../../test/fixtures.js';
import { countRows, expectError, startTestApi, type TestApi } from '../../test/test-api.js';

/** Support triage with a model step: rules classify, the model writes the reply, a check, the reply goes out. */
const DEFINITION: WorkflowDefinition = {
  ...SUPPORT_TRIAGE,
  steps: [
    SUPPORT_TRIAGE.steps[0]!,
    {
      id: 'summarise',
      kind: 'agent',
      provider: 'openai',
      model: 'gpt-4o-mini',
      prompt: 'Write a reply to ticket {{input.ticketId}} from {{input.customerEmail}} ({{steps.classify.label}}): {{input.message}}',
      outputSchema: { type: 'object', required: ['reply', 'confidence'], properties: { reply: { type: 'string' }, confidence: { type: 'number' } } },
      minConfidence: 0.5,
    },
    { id: 'check', kind: 'validate', source: 'summarise', schema: { type: 'object', required: ['reply', 'confidence'] }, minConfidence: 0.6 },
    { id: 'reply', kind: 'action', action: 'send_reply', actionClass: 'customer_impacting', argsFrom: 'summarise' },
  ],
};

const EMAIL = 'sam@example.com';
const INPUT = { ticketId: 'T-9', customerEmail: EMAIL, message: 'Please refund me <script>alert("x")</script> & thanks' };
const PROPOSED = { reply: 'Your refund for T-9 is on its way.', confidence: 0.84 };
const EDITED = { reply: `Hi Sam, your refund for T-9 is on its way; we will confirm to ${EMAIL}.`, confidence: 0.84 };
const MODEL: DriveOptions = { model: () => ({ output: PROPOSED, model: 'gpt-4o-mini-2024-07-18', promptVersion: 'a1b2c3d4e5f60718', tokensIn: 212, tokensOut: 38, costUsd: 0.000055, latencyMs: 640 }) };

const RECORD = `query ($id: ID!) { decisionRecord(runId: $id) { runId schemaVersion workflowKey version rolloutStage runStatus finalAction generatedAt document } }`;
const DECIDE = `mutation ($id: ID!, $edited: JSON) { decideApproval(approvalId: $id, decision: edit_and_approve, reason: "Warmer, and say where we confirm", editedOutput: $edited) { id decidedAt } }`;
const PROMOTE = `mutation ($key: String!) { setRolloutStage(workflowKey: $key, stage: draft, reason: "pilot with every reply approved", override: true) { rolloutStage } }`;
const CREATE_KEY = `mutation ($workflows: [String!]) { createApiKey(name: "records test", principal: "ivy@gatehouse.dev", workflows: $workflows) { secret } }`;

let api: TestApi;
let runId: string;
let decidedAt: string;

async function rest(path: string, headers: Record<string, string>) {
  const res = await fetch(`${api.baseUrl}${path}`, { headers });
  return { status: res.status, headers: res.headers, body: await res.text() };
}
const jsonUrl = (id: string) => `/runs/${id}/decision-record.json`;
const htmlUrl = (id: string) => `/runs/${id}/decision-record.html`;
const exports = (id: string) => countRows(api.ds, 'audit_events', `action = 'decision_record.exported' AND subject_id = $1`, [id]);

beforeAll(async () => {
  api = await startTestApi();
  // Only Rita reviews this workflow; Rafael is a reviewer elsewhere.
  await publishedWorkflow(api, 'records', DEFINITION, ['rita@gatehouse.dev']);
  await publishedWorkflow(api, 'records-other');
  await api.ok(KEYS.admin, PROMOTE, { key: 'records' });
  runId = await startRun(api, 'records', 'records-1', INPUT);
  await driveRun(api.ds, runId, MODEL);
  const [approval] = await api.ds.query(`SELECT id, status FROM approvals WHERE run_id = $1`, [runId]);
  expect(approval.status).toBe('pending');
  decidedAt = (await api.ok(KEYS.reviewer, DECIDE, { id: approval.id, edited: EDITED })).decideApproval.decidedAt;
  await driveRun(api.ds, runId, MODEL);
});
afterAll(() => api.close());

describe('decisionRecord of a run approved with an edit', () => {
  it('records the version, stage, data read, producers, checks, the edit and the action, field by field', async () => {
    const { decisionRecord: r } = await api.ok(KEYS.owner, RECORD, { id: runId });
    expect(r).toMatchObject({ runId, schemaVersion: 1, workflowKey: 'records', version: 1, rolloutStage: 'draft', runStatus: 'completed', finalAction: 'executed' });
    const doc = r.document;
    expect(doc).toMatchObject({ kind: 'gatehouse.decision-record', schemaVersion: 1, generatedBy: { name: 'Olive Owner', role: 'owner' } });
    expect(doc.workflow).toMatchObject({ key: 'records', name: 'Workflow records', version: 1 });
    expect(doc.run).toMatchObject({ id: runId, status: 'completed', rolloutStage: 'draft', idempotencyKey: 'records-1', startedBy: { name: 'Ivy Integrator', role: 'integrator' } });

    // Which data fields the steps read.
    const reads = doc.dataFieldsRead.map((f: any) => `${f.stepId} ${f.via} ${f.source === 'input' ? 'input' : f.sourceStepId}${f.pointer}`);
    expect(reads).toEqual([
      'classify field input/message',
      'classify template input/ticketId',
      'summarise prompt input/ticketId',
      'summarise prompt input/customerEmail',
      'summarise prompt classify/label',
      'summarise prompt input/message',
      'check source summarise',
      'reply args_from summarise',
    ]);

    // Which provider and model produced what, with what confidence.
    const steps = doc.steps.map((s: any) => [s.stepId, s.attempt, s.status, s.provider, s.model, s.confidence]);
    expect(steps).toEqual([
      ['classify', 1, 'succeeded', 'rules', null, 0.92],
      ['summarise', 1, 'succeeded', 'openai', 'gpt-4o-mini-2024-07-18', 0.84],
      ['check', 1, 'succeeded', null, null, 0.84],
      ['reply', 1, 'gated', null, null, null],
      ['reply', 2, 'succeeded', 'webhook', null, null],
    ]);
    expect(doc.steps[1]).toMatchObject({ promptVersion: 'a1b2c3d4e5f60718', tokensIn: 212, tokensOut: 38, costUsd: 0.000055, latencyMs: 640, output: { state: 'recorded', value: PROPOSED } });
    expect(doc.steps[0].output).toMatchObject({ state: 'recorded', value: { label: 'refund', confidence: 0.92 } });

    // Which checks passed or failed.
    const checks = doc.checks.map((c: any) => `${c.stepId} ${c.check} ${c.result}${c.threshold === null ? '' : ` ${c.confidence}/${c.threshold}`}`);
    expect(checks).toEqual(['summarise output_schema passed', 'summarise confidence passed 0.84/0.5', 'check output_schema passed', 'check confidence passed 0.84/0.6', 'reply boundary passed', 'reply approval_gate passed']);
    expect(doc.checks.at(-1).detail).toBe('"send_reply" (customer_impacting) needed 1 approval by a reviewer or higher: approved with an edit.');

    // Who approved or changed what, and when.
    expect(doc.humanDecisions).toEqual([
      {
        kind: 'approval_decision',
        at: decidedAt,
        by: { id: expect.any(String), name: 'Rita Reviewer', role: 'reviewer' },
        approvalId: expect.any(String),
        stepId: 'reply',
        decision: 'edit_and_approve',
        round: 1,
        reason: 'Warmer, and say where we confirm',
        edit: { changes: [{ op: 'replace', path: '/reply' }], edited: { state: 'recorded', value: { ...EDITED, reply: 'Hi Sam, your refund for T-9 is on its way; we will confirm to [REDACTED:email].' } } },
      },
    ]);
    expect(doc.approvals[0]).toMatchObject({ stepId: 'reply', actionName: 'send_reply', status: 'approved', decision: 'edit_and_approve', decidedAt, decidedBy: { name: 'Rita Reviewer' }, proposed: { state: 'recorded', value: PROPOSED }, changes: [{ op: 'replace', path: '/reply' }] });

    // What action was finally taken.
    expect(doc.finalAction).toMatchObject({ outcome: 'executed', stepId: 'reply', action: 'send_reply', actionClass: 'customer_impacting', idempotencyKey: `${runId}:reply:2` });
    expect(doc.finalAction.args).toEqual({ state: 'recorded', value: { ...EDITED, reply: 'Hi Sam, your refund for T-9 is on its way; we will confirm to [REDACTED:email].' } });

    // Integrity: the run's audit events with the hashes the chain holds.
    const stored: Array<{ id: string; seq: string; hash: string }> = await api.ds.query(`SELECT id, seq, hash FROM audit_events WHERE subject_id = $1 OR $1 = ANY(scope_ids) ORDER BY seq`, [runId]);
    const inRecord = doc.integrity.auditEvents.map((e: any) => ({ id: e.id, seq: String(e.seq), hash: e.hash }));
    expect(stored.slice(0, inRecord.length)).toEqual(inRecord);
    expect(doc.integrity.auditEvents.map((e: any) => e.action)).toEqual(expect.arrayContaining(['run.created', 'approval.requested', 'approval.decided', 'action.executed', 'run.completed']));
    expect((await api.ok(KEYS.owner, `{ verifyAuditChain { ok } }`)).verifyAuditChain.ok).toBe(true);
  });

  it('keeps the customer\'s email redacted in the GraphQL, JSON and HTML records', async () => {
    const { decisionRecord } = await api.ok(KEYS.owner, RECORD, { id: runId });
    expect(decisionRecord.document.run.input).toEqual({ state: 'recorded', value: { ...INPUT, customerEmail: '[REDACTED:email]' } });
    expect(decisionRecord.document.redactions.atExport.total).toBeGreaterThanOrEqual(3);
    const json = await rest(jsonUrl(runId), { 'x-api-key': KEYS.owner });
    const html = await rest(htmlUrl(runId), { 'x-api-key': KEYS.owner });
    for (const body of [JSON.stringify(decisionRecord), json.body, html.body]) {
      expect(body).toContain('[REDACTED:email]');
      expect(body).not.toContain(EMAIL);
    }
  });

  it('exports JSON as a download and HTML as a self-contained page with every value escaped', async () => {
    const json = await rest(jsonUrl(runId), { authorization: `Bearer ${KEYS.integrator}` });
    expect(json.status).toBe(200);
    expect(json.headers.get('content-type')).toMatch(/^application\/json/);
    expect(json.headers.get('content-disposition')).toBe(`attachment; filename="decision-record-${runId}.json"`);
    expect(json.headers.get('cache-control')).toBe('no-store');
    const doc = JSON.parse(json.body);
    expect(doc).toMatchObject({ schemaVersion: 1, run: { id: runId, rolloutStage: 'draft' }, finalAction: { outcome: 'executed' }, generatedBy: { name: 'Ivy Integrator' } });

    const html = await rest(htmlUrl(runId), { 'x-api-key': KEYS.owner });
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(html.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    expect(html.body).toContain('Please refund me &lt;script&gt;alert(\\&quot;x\\&quot;)&lt;/script&gt; &amp; thanks');
    expect(html.body).not.toMatch(/<script|<link|<img|src=|https?:\/\//i);
    for (const text of ['Workflow records', 'v1', 'draft', 'gpt-4o-mini-2024-07-18', 'Rita Reviewer', 'edit and approve', 'replace /reply', `${runId}:reply:2`, '@media print']) expect(html.body).toContain(text);
  });

  it('audits every export with who took which run\'s record in which form', async () => {
    const before = await exports(runId);
    await api.ok(KEYS.reviewer, RECORD, { id: runId });
    await rest(jsonUrl(runId), { 'x-api-key': KEYS.admin });
    await rest(htmlUrl(runId), { 'x-api-key': KEYS.owner });
    const rows: Array<{ actor_role: string; data: { format: string; workflowKey: string } }> = await api.ds.query(
      `SELECT actor_role, data FROM audit_events WHERE action = 'decision_record.exported' AND subject_id = $1 ORDER BY seq DESC LIMIT 3`,
      [runId],
    );
    expect(await exports(runId)).toBe(before + 3);
    expect(rows.map((r) => [r.actor_role, r.data.format, r.data.workflowKey])).toEqual([
      ['owner', 'html', 'records'],
      ['admin', 'json', 'records'],
      ['reviewer', 'graphql', 'records'],
    ]);
  });
});

describe('who may export a decision record', () => {
  it('refuses a viewer, an unassigned reviewer and a key scoped to another workflow, on GraphQL and REST, without auditing an export', async () => {
    const scopedElsewhere = (await api.ok(KEYS.admin, CREATE_KEY, { workflows: ['records-other'] })).createApiKey.secret;
    const before = await exports(runId);
    for (const key of [KEYS.viewer, KEYS.reviewer2, scopedElsewhere]) {
      const error = expectError(await api.gql(key, RECORD, { id: runId }), 'FORBIDDEN');
      expect(error.message.length).toBeGreaterThan(20);
      for (const url of [jsonUrl(runId), htmlUrl(runId)]) {
        const res = await rest(url, { 'x-api-key': key });
        expect(res.status, `${key} ${url}`).toBe(403);
        expect(JSON.parse(res.body).errors[0].extensions.code).toBe('FORBIDDEN');
      }
    }
    expect(expectError(await api.gql(KEYS.reviewer2, RECORD, { id: runId }), 'FORBIDDEN').message).toMatch(/not assigned to workflow "records"/);
    expect(expectError(await api.gql(scopedElsewhere, RECORD, { id: runId }), 'FORBIDDEN').message).toMatch(/limited to the workflows records-other/);
    expect(await exports(runId)).toBe(before);
  });

  it('lets the assigned reviewer and a key scoped to the run\'s workflow export it', async () => {
    const scopedHere = (await api.ok(KEYS.admin, CREATE_KEY, { workflows: ['records'] })).createApiKey.secret;
    expect((await api.ok(scopedHere, RECORD, { id: runId })).decisionRecord.runId).toBe(runId);
    expect((await rest(jsonUrl(runId), { 'x-api-key': scopedHere })).status).toBe(200);
    expect((await rest(htmlUrl(runId), { 'x-api-key': KEYS.reviewer })).status).toBe(200);
  });

  it('answers 401 without credentials and NOT_FOUND for an unknown run', async () => {
    const anonymous = await rest(jsonUrl(runId), {});
    expect(anonymous.status).toBe(401);
    expect(JSON.parse(anonymous.body).errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect((await rest(jsonUrl(runId), { 'x-api-key': 'gh_nope_nope' })).status).toBe(401);
    expectError(await api.gql(null, RECORD, { id: runId }), 'UNAUTHENTICATED');
    expectError(await api.gql(KEYS.owner, RECORD, { id: '00000000-0000-4000-8000-0000000000ff' }), 'NOT_FOUND');
    expectError(await api.gql(KEYS.owner, RECORD, { id: 'not-a-run' }), 'NOT_FOUND');
    expect((await rest(htmlUrl('00000000-0000-4000-8000-0000000000ff'), { 'x-api-key': KEYS.owner })).status).toBe(404);
  });
});
