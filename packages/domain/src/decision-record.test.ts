import { describe, expect, it } from 'vitest';
import { decideApproval, type Approval, type ApprovalDecisionRecord } from './approval.js';
import type { AuditEvent } from './audit-event.js';
import { assembleDecisionRecord, dataFieldsRead, decisionRecordExported, type DecisionRecordSources } from './decision-record.js';
import { openException } from './exception-item.js';
import type { JsonValue } from './json-schema.js';
import { redactStepTrace } from './redaction.js';
import type { StepAttempt } from './step-attempt.js';
import { actors, fullDefinition, LATER, makeApproval, makeRun, NOW } from './test/fixtures.js';
import type { WorkflowDefinition } from './workflow-definition.js';

const at = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000);
const EMAIL = 'sam@example.com';

function attempt(stepId: string, n: number, overrides: Partial<StepAttempt> = {}): StepAttempt {
  return {
    id: `att-${stepId}-${n}`,
    runId: 'run-1',
    stepId,
    attempt: n,
    status: 'succeeded',
    input: null,
    output: null,
    provider: null,
    model: null,
    promptVersion: null,
    tokensIn: null,
    tokensOut: null,
    costUsd: null,
    latencyMs: 1,
    confidence: null,
    validation: null,
    error: null,
    effectKey: null,
    startedAt: at(n),
    finishedAt: at(n),
    redactions: null,
    payloadPurgedAt: null,
    ...overrides,
  };
}

/** An attempt's trace stored the way the runner stores it: redacted, with its summary. */
function storedAttempt(stepId: string, n: number, trace: { input?: JsonValue; output?: JsonValue }, overrides: Partial<StepAttempt> = {}): StepAttempt {
  const { payloads, summary } = redactStepTrace({ input: trace.input ?? null, output: trace.output ?? null, validation: null, error: null }, undefined);
  return attempt(stepId, n, { input: payloads.input, output: payloads.output, redactions: summary, ...overrides });
}

let seq = 0;
function event(action: string, subjectId: string, data: Record<string, unknown>, actorId: string | null = null, minutes = 0): AuditEvent {
  seq += 1;
  return { seq, id: `ev-${seq}`, occurredAt: at(minutes), actorId, actorRole: actorId ? 'reviewer' : 'system', action, subjectType: 'run', subjectId, scopeIds: [], data, prevHash: `h${seq - 1}`, hash: `h${seq}` };
}

const PEOPLE = new Map([
  [actors.reviewer.id, { name: 'Rita Reviewer', role: 'reviewer' }],
  [actors.integrator.id, { name: 'Ivy Integrator', role: 'integrator' }],
  [actors.admin.id, { name: 'Ada Admin', role: 'admin' }],
]);

/** A run in execute mode whose reply a reviewer edited (adding the customer's email) before it was sent. */
function editedRun(definition: WorkflowDefinition = fullDefinition()) {
  const run = makeRun({ mode: 'execute', status: 'completed', input: { message: `Refund please, write to ${EMAIL}`, customerId: 'c-1' }, output: { delivered: true }, startedAt: at(0), finishedAt: at(30) });
  const pending: Approval = makeApproval({ proposed: { reply: 'Your refund is on its way.' } });
  const edited = { reply: `Your refund is on its way; we will confirm at ${EMAIL}.` };
  const decided = decideApproval(pending, { decision: 'edit_and_approve', reason: 'Add where we confirm', editedOutput: edited }, actors.reviewer, at(20), { decisionId: 'dec-1' });
  const attempts = [
    storedAttempt('classify', 1, { input: { field: '/message' }, output: { label: 'refund', confidence: 0.9, draft: `About your refund: ${EMAIL}` } }, { provider: 'rules', confidence: 0.9 }),
    storedAttempt('draft', 1, { output: { reply: 'Your refund is on its way.', confidence: 0.82 } }, { provider: 'openai', model: 'gpt-4o-mini', promptVersion: 'p-1a2b', tokensIn: 120, tokensOut: 30, costUsd: 0.0004, latencyMs: 640, confidence: 0.82 }),
    attempt('check', 1, { confidence: 0.82 }),
    attempt('route', 1, { output: { goto: 'approve', value: 'refund' } }),
    attempt('approve', 1, { status: 'gated', output: { proposed: { reply: 'Your refund is on its way.' } } }),
    attempt('approve', 2, { output: edited, startedAt: at(21), finishedAt: at(21) }),
    storedAttempt('send', 1, { input: edited, output: { delivered: true, status: 200 } }, { provider: 'webhook', effectKey: 'run-1:send:1', startedAt: at(22), finishedAt: at(22) }),
  ];
  const events = [
    event('run.created', 'run-1', { version: 1, mode: 'execute' }, actors.integrator.id, 0),
    event('approval.requested', pending.id, { runId: 'run-1' }, null, 5),
    event('approval.decided', pending.id, { runId: 'run-1', decision: 'edit_and_approve', diff: decided.state.diff }, actors.reviewer.id, 20),
    event('action.executed', 'run-1', { stepId: 'send', action: 'send_reply', actionClass: 'customer_impacting', mode: 'execute', idempotencyKey: 'run-1:send:1' }, null, 22),
    event('run.completed', 'run-1', {}, null, 30),
  ];
  const sources: DecisionRecordSources = {
    run,
    workflow: { id: 'wf-1', key: 'support-triage', name: 'Support triage' },
    version: { id: 'ver-1', version: 3, definition },
    attempts,
    approvals: [{ approval: decided.state, decisions: [decided.record] }],
    exceptions: [],
    handOffs: [],
    shadowOutcome: null,
    auditEvents: events,
    people: PEOPLE,
    generatedBy: { id: actors.admin.id, role: 'admin' },
    generatedAt: LATER,
  };
  return { sources, edited, decided };
}

describe('assembleDecisionRecord', () => {
  it('records version, stage, data read, producers, checks, the edit and the action taken', () => {
    const record = assembleDecisionRecord(editedRun().sources);
    expect(record).toMatchObject({ kind: 'gatehouse.decision-record', schemaVersion: 1, generatedAt: LATER.toISOString(), generatedBy: { id: actors.admin.id, name: 'Ada Admin', role: 'admin' } });
    expect(record.workflow).toEqual({ id: 'wf-1', key: 'support-triage', name: 'Support triage', version: 3, versionId: 'ver-1' });
    expect(record.run).toMatchObject({ id: 'run-1', status: 'completed', rolloutStage: 'execute', startedBy: { id: actors.integrator.id, name: 'Ivy Integrator', role: 'integrator' }, finishedAt: at(30).toISOString() });
    expect(record.dataFieldsRead).toContainEqual({ stepId: 'classify', stepKind: 'rules', source: 'input', sourceStepId: null, pointer: '/message', via: 'field' });

    const draft = record.steps.find((s) => s.stepId === 'draft')!;
    expect(draft).toMatchObject({ provider: 'openai', model: 'gpt-4o-mini', promptVersion: 'p-1a2b', confidence: 0.82, tokensIn: 120, tokensOut: 30, costUsd: 0.0004, latencyMs: 640, output: { state: 'recorded', value: { reply: 'Your refund is on its way.', confidence: 0.82 } } });
    expect(record.steps.find((s) => s.stepId === 'classify')).toMatchObject({ provider: 'rules', confidence: 0.9 });

    expect(record.checks).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ stepId: 'draft', check: 'output_schema', result: 'passed' }),
        expect.objectContaining({ stepId: 'draft', check: 'confidence', result: 'passed', confidence: 0.82, threshold: 0.7 }),
        expect.objectContaining({ stepId: 'check', check: 'confidence', result: 'passed', confidence: 0.82, threshold: 0.5 }),
        expect.objectContaining({ stepId: 'send', check: 'boundary', result: 'passed' }),
        expect.objectContaining({ stepId: 'approve', approvalId: 'apr-1', check: 'approval_gate', result: 'passed', detail: expect.stringMatching(/approved with an edit/) }),
      ]),
    );

    expect(record.humanDecisions).toEqual([
      {
        kind: 'approval_decision',
        at: at(20).toISOString(),
        by: { id: actors.reviewer.id, name: 'Rita Reviewer', role: 'reviewer' },
        approvalId: 'apr-1',
        stepId: 'approve',
        decision: 'edit_and_approve',
        round: 1,
        reason: 'Add where we confirm',
        edit: { changes: [{ op: 'replace', path: '/reply' }], edited: { state: 'recorded', value: { reply: 'Your refund is on its way; we will confirm at [REDACTED:email].' } } },
      },
    ]);
    expect(record.approvals[0]).toMatchObject({ status: 'approved', decision: 'edit_and_approve', decidedBy: { name: 'Rita Reviewer' }, changes: [{ op: 'replace', path: '/reply' }] });
    expect(record.finalAction).toMatchObject({ outcome: 'executed', stepId: 'send', action: 'send_reply', actionClass: 'customer_impacting', idempotencyKey: 'run-1:send:1', at: at(22).toISOString() });
    expect(record.finalAction.args).toEqual({ state: 'recorded', value: { reply: 'Your refund is on its way; we will confirm at [REDACTED:email].' } });

    expect(record.integrity.auditEvents.map((e) => e.action)).toEqual(['run.created', 'approval.requested', 'approval.decided', 'action.executed', 'run.completed']);
    expect(record.integrity.firstSeq).toBe(record.integrity.auditEvents[0]!.seq);
    expect(record.integrity.lastSeq).toBe(record.integrity.auditEvents[4]!.seq);
    expect(record.integrity.auditEvents[2]).toMatchObject({ actorId: actors.reviewer.id, hash: expect.any(String), prevHash: expect.any(String) });
  });

  it('redacts what storage keeps unredacted, and leaves no detected value anywhere in the record', () => {
    const record = assembleDecisionRecord(editedRun().sources);
    expect(JSON.stringify(record)).not.toContain(EMAIL);
    expect(record.run.input).toEqual({ state: 'recorded', value: { message: 'Refund please, write to [REDACTED:email]', customerId: 'c-1' } });
    expect(record.approvals[0]!.edited).toEqual({ state: 'recorded', value: { reply: 'Your refund is on its way; we will confirm at [REDACTED:email].' } });
    // Run input, approval edit, the decision's edit, and an attempt stored without a redaction summary (an older row).
    expect(record.redactions.atExport).toMatchObject({ total: 4, detectors: [{ detector: 'email', count: 4 }] });
    expect(record.redactions.atExport.locations).toEqual(['/approvals/0/edited/value/reply', '/approvals/0/decisions/0/edited/value/reply', '/run/input/value/message', '/steps/5/output/value/reply']);
    // What the runner replaced is reported as such, not replaced (and counted) again.
    expect(record.redactions.atStorage).toMatchObject({ total: 2, detectors: [{ detector: 'email', count: 2 }] });
    expect(record.redactions.policy).toEqual({ redactPaths: [], detectors: ['email', 'card', 'national_id', 'phone'] });
  });

  it('applies the version\'s redactPaths to payloads kept unredacted', () => {
    const definition = { ...fullDefinition(), privacy: { redactPaths: ['$.customerId'], detectors: [] } };
    const record = assembleDecisionRecord(editedRun(definition).sources);
    expect(record.run.input).toEqual({ state: 'recorded', value: { message: `Refund please, write to ${EMAIL}`, customerId: '[REDACTED:path]' } });
    expect(record.redactions.atExport.paths).toEqual(['$.customerId']);
  });

  it('shows payloads purged by retention as purged, and keeps the edit\'s field summary from the audit trail', () => {
    const { sources } = editedRun();
    const purgedAt = at(60 * 24 * 91);
    const purge = <T extends object>(x: T) => ({ ...x, payloadPurgedAt: purgedAt });
    const [{ approval, decisions }] = sources.approvals as [{ approval: Approval; decisions: ApprovalDecisionRecord[] }];
    const record = assembleDecisionRecord({
      ...sources,
      run: purge({ ...sources.run, input: null, output: null }),
      attempts: sources.attempts.map((a) => purge({ ...a, input: null, output: null })),
      approvals: [{ approval: purge({ ...approval, proposed: null as never, edited: null, diff: null }), decisions: decisions.map((d) => ({ ...d, edited: null })) }],
    });
    const purged = { state: 'purged', purgedAt: purgedAt.toISOString() };
    expect(record.run.input).toEqual(purged);
    expect(record.run.output).toEqual(purged);
    expect(record.steps.every((s) => s.output.state === 'purged')).toBe(true);
    expect(record.approvals[0]).toMatchObject({ proposed: purged, edited: purged, changes: [{ op: 'replace', path: '/reply' }] });
    expect(record.humanDecisions[0]).toMatchObject({ edit: { changes: [{ op: 'replace', path: '/reply' }], edited: purged } });
    expect(record.finalAction).toMatchObject({ outcome: 'executed', idempotencyKey: 'run-1:send:1', args: purged });
  });

  it('records a shadow run\'s would-have-executed action with its arguments redacted', () => {
    const { sources } = editedRun();
    const record = assembleDecisionRecord({
      ...sources,
      run: { ...sources.run, mode: 'shadow' },
      approvals: [],
      auditEvents: [event('action.would_have_executed', 'run-1', { stepId: 'send', action: 'send_reply', actionClass: 'customer_impacting', args: { to: EMAIL } }, null, 22)],
    });
    expect(record.run.rolloutStage).toBe('shadow');
    expect(record.finalAction).toMatchObject({ outcome: 'would_have_executed', idempotencyKey: null, args: { state: 'recorded', value: { to: '[REDACTED:email]' } }, detail: expect.stringMatching(/recorded but not sent/) });
  });

  it('names a blocked action, and says why no action was taken', () => {
    const { sources } = editedRun();
    const blocked = assembleDecisionRecord({ ...sources, auditEvents: [event('action.blocked', 'run-1', { stepId: 'send', action: 'issue_refund', actionClass: 'irreversible', why: '"issue_refund" is on the never-do list.' })] });
    expect(blocked.finalAction).toMatchObject({ outcome: 'blocked', action: 'issue_refund', args: null, detail: expect.stringMatching(/never-do list/) });

    const cancelled = assembleDecisionRecord({ ...sources, run: { ...sources.run, status: 'cancelled' }, auditEvents: [] });
    expect(cancelled.finalAction).toMatchObject({ outcome: 'none', detail: 'The run ended (cancelled) before any action was taken.' });
    const waiting = assembleDecisionRecord({ ...sources, run: { ...sources.run, status: 'waiting_approval' }, auditEvents: [] });
    expect(waiting.finalAction.detail).toBe('No action has been taken yet (the run is waiting approval).');
  });

  it('lists failed checks with the threshold they missed', () => {
    const { sources } = editedRun();
    const low = attempt('draft', 2, { status: 'failed', confidence: 0.41, error: { reason: 'low_confidence', message: 'Confidence 0.41 is below the threshold 0.7.', retryable: false }, validation: { reason: 'low_confidence', confidence: 0.41, threshold: 0.7 } });
    const blocked = attempt('send', 2, { status: 'failed', error: { reason: 'policy_blocked', message: 'not allowed', retryable: false } });
    const record = assembleDecisionRecord({ ...sources, attempts: [...sources.attempts, low, blocked] });
    expect(record.checks).toContainEqual(expect.objectContaining({ stepId: 'draft', attempt: 2, check: 'confidence', result: 'failed', confidence: 0.41, threshold: 0.7, detail: 'Confidence 0.41 is below the threshold 0.7.' }));
    expect(record.checks).toContainEqual(expect.objectContaining({ stepId: 'send', attempt: 2, check: 'boundary', result: 'failed' }));
  });

  it('puts exception resolutions, cancellations and re-openings in the people timeline, in order, redacting their notes', () => {
    const { sources } = editedRun();
    const opened = openException({ id: 'exc-1', runId: 'run-1', workflowId: 'wf-1', stepId: 'draft', reason: 'invalid_output', details: { why: `wrong address ${EMAIL}` } }, at(2)).state;
    const resolved = { ...opened, status: 'resolved' as const, resolution: 'override_output' as const, resolutionNote: `Fixed for ${EMAIL}`, resolutionOutput: { reply: `Hi ${EMAIL}` }, resolvedBy: actors.reviewer.id, resolvedAt: at(3) };
    const record = assembleDecisionRecord({
      ...sources,
      exceptions: [resolved],
      auditEvents: [...sources.auditEvents, event('run.reopened', 'run-1', { reason: 'Wrong customer' }, actors.reviewer.id, 40), event('run.cancelled', 'run-1', { reason: 'Customer withdrew' }, actors.admin.id, 50)],
    });
    expect(record.humanDecisions.map((d) => d.kind)).toEqual(['exception_resolution', 'approval_decision', 'reopen', 'cancellation']);
    expect(record.humanDecisions[0]).toMatchObject({ by: { name: 'Rita Reviewer' }, resolution: 'override_output', note: 'Fixed for [REDACTED:email]', overrideOutput: { state: 'recorded', value: { reply: 'Hi [REDACTED:email]' } } });
    expect(record.humanDecisions[3]).toMatchObject({ kind: 'cancellation', by: { id: actors.admin.id, name: 'Ada Admin', role: 'admin' }, reason: 'Customer withdrew' });
    expect(record.exceptions[0]).toMatchObject({ reason: 'invalid_output', reopened: false, details: { state: 'recorded', value: { why: 'wrong address [REDACTED:email]' } } });
    expect(JSON.stringify(record)).not.toContain(EMAIL);
  });

  it('refuses sources that belong to another run\'s version', () => {
    const { sources } = editedRun();
    expect(() => assembleDecisionRecord({ ...sources, version: { ...sources.version, id: 'ver-2' } })).toThrow(/its own workflow and version/);
  });

  it('describes an export as an audit event of the run', () => {
    const record = assembleDecisionRecord(editedRun().sources);
    expect(decisionRecordExported(record, 'html')).toEqual({
      type: 'decision_record.exported',
      subjectType: 'run',
      subjectId: 'run-1',
      data: { workflowId: 'wf-1', workflowKey: 'support-triage', format: 'html', schemaVersion: 1, lastAuditSeq: record.integrity.lastSeq },
    });
  });
});

describe('dataFieldsRead', () => {
  it('derives every field each step reads from the definition, with the runner\'s defaults', () => {
    const definition = fullDefinition();
    definition.steps[1] = { ...definition.steps[1]!, prompt: 'Reply to {{input.message}} (label {{steps.classify.label}}, order {{ input.order.amount }}).' } as WorkflowDefinition['steps'][number];
    expect(dataFieldsRead(definition)).toEqual([
      { stepId: 'classify', stepKind: 'rules', source: 'input', sourceStepId: null, pointer: '/message', via: 'field' },
      { stepId: 'classify', stepKind: 'rules', source: 'input', sourceStepId: null, pointer: '/message', via: 'template' },
      { stepId: 'draft', stepKind: 'agent', source: 'input', sourceStepId: null, pointer: '/message', via: 'prompt' },
      { stepId: 'draft', stepKind: 'agent', source: 'step_output', sourceStepId: 'classify', pointer: '/label', via: 'prompt' },
      { stepId: 'draft', stepKind: 'agent', source: 'input', sourceStepId: null, pointer: '/order/amount', via: 'prompt' },
      { stepId: 'check', stepKind: 'validate', source: 'step_output', sourceStepId: 'draft', pointer: '', via: 'source' },
      { stepId: 'route', stepKind: 'route', source: 'step_output', sourceStepId: 'classify', pointer: '/label', via: 'field' },
      { stepId: 'approve', stepKind: 'approval', source: 'step_output', sourceStepId: 'route', pointer: '', via: 'proposal' },
      { stepId: 'send', stepKind: 'action', source: 'step_output', sourceStepId: 'draft', pointer: '', via: 'args_from' },
    ]);
  });

  it('reads the run input when the first step has no source, and escapes pointer segments', () => {
    expect(
      dataFieldsRead({
        inputSchema: { type: 'object' },
        steps: [
          { id: 'v', kind: 'validate', schema: { type: 'object' } },
          { id: 'a', kind: 'agent', provider: 'openai', model: 'm', prompt: 'x {{input}} {{unknown.x}}', outputSchema: { type: 'object' } },
        ],
      }),
    ).toEqual([
      { stepId: 'v', stepKind: 'validate', source: 'input', sourceStepId: null, pointer: '', via: 'source' },
      { stepId: 'a', stepKind: 'agent', source: 'input', sourceStepId: null, pointer: '', via: 'prompt' },
    ]);
  });
});
