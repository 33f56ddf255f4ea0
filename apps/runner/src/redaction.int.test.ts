import type { PrivacyPolicy, WorkflowDefinition } from '@gatehouse/domain';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { runnerOnPostgres } from './test/runner-on-postgres.js';
import { attempts, runRow, seedWorkflow, startRun } from './test/fixtures.js';

/*
 * Redaction before storage, with the runner as `pnpm start` wires it: the stored trace holds
 * markers instead of personal data and says what was replaced, while the run itself still
 * sees the real values (a validate step checks the unredacted draft; the action receives it).
 */
const SECRET = 'runner-redaction-secret-0123456789';
const EMAIL = 'jane.doe@example.com';
const CARD = '4111 1111 1111 1111';

const definition = (url: string, privacy?: PrivacyPolicy): WorkflowDefinition => ({
  inputSchema: { type: 'object' },
  steps: [
    {
      id: 'classify',
      kind: 'rules',
      field: '/message',
      rules: [{ label: 'refund', pattern: 'refund', confidence: 0.9 }],
      defaultLabel: 'other',
      defaultConfidence: 0.9,
      template: 'Reply to {{input.customerEmail}} about card {{input.card.number}}',
    },
    // Passes only on the unredacted draft: "[REDACTED:email]" has no "@", "[REDACTED:card]" no digits.
    { id: 'check', kind: 'validate', source: 'classify', schema: { type: 'object', required: ['draft'], properties: { draft: { type: 'string', pattern: '@example\\.com about card 4111' } } } },
    { id: 'act', kind: 'action', action: 'reply', actionClass: 'reversible', webhookUrl: url, argsFrom: 'classify' },
  ],
  boundary: { trigger: 't', allowedActions: [{ name: 'reply', actionClass: 'reversible', mode: 'may_execute' }], neverActions: [], handOffs: [] },
  ...(privacy ? { privacy } : {}),
});

async function completed(id: string): Promise<string> {
  const deadline = Date.now() + 15_000;
  let status = (await runRow(fixture.ds, id)).status;
  while (!['completed', 'failed', 'in_exception', 'cancelled'].includes(status) && Date.now() < deadline) {
    await sleep(50);
    status = (await runRow(fixture.ds, id)).status;
  }
  return status;
}

const fixture = runnerOnPostgres(SECRET);


describe('redaction before storage', () => {
  it('stores the email and card number of the input redacted, records the redaction, and the run still completes on the real values', async () => {
    const wf = await seedWorkflow(fixture.ds, 'redact-detectors', definition(fixture.receiver.url), 'execute');
    const id = await startRun(fixture.ds, wf, { message: 'refund please', customerEmail: EMAIL, card: { number: CARD } });
    expect(await completed(id)).toBe('completed');

    // Execution used the real values: the validate step passed and the fixture.receiver got them.
    const sent = fixture.receiver.received.find((r) => r.body.runId === id)!;
    expect(sent.body.args).toMatchObject({ draft: `Reply to ${EMAIL} about card ${CARD}` });

    const rows = await attempts(fixture.ds, id);
    expect(rows.map((r) => `${r.step_id}:${r.status}`)).toEqual(['classify:succeeded', 'check:succeeded', 'act:succeeded']);
    const [classify, check, act] = rows;
    expect(classify!.output).toMatchObject({ label: 'refund', draft: 'Reply to [REDACTED:email] about card [REDACTED:card]' });
    expect(classify!.redactions).toEqual({
      total: 2,
      paths: [],
      detectors: [
        { detector: 'email', count: 1 },
        { detector: 'card', count: 1 },
      ],
      locations: ['/output/draft'],
    });
    // The unredacted copy later steps read is kept beside it, only where redaction changed the output.
    expect(classify!.execution_output).toMatchObject({ draft: `Reply to ${EMAIL} about card ${CARD}` });
    expect(check!.execution_output).toMatchObject({ draft: `Reply to ${EMAIL} about card ${CARD}` });
    // The action's recorded input (its arguments) is redacted the same way.
    expect(act!.input).toMatchObject({ draft: 'Reply to [REDACTED:email] about card [REDACTED:card]' });
    expect(act!.redactions).toMatchObject({ total: 2, locations: ['/input/draft'] });
    expect(act!.execution_output).toBeNull();

    // Nothing in the trace columns holds the raw values.
    const trace = JSON.stringify(rows.map((r) => [r.input, r.output, r.validation, r.error]));
    expect(trace).not.toContain(EMAIL);
    expect(trace).not.toContain('4111');
  });

  it('redacts configured paths whole, with the detectors turned off', async () => {
    const wf = await seedWorkflow(fixture.ds, 'redact-paths', definition(fixture.receiver.url, { redactPaths: ['$.draft'], detectors: [] }), 'execute');
    const id = await startRun(fixture.ds, wf, { message: 'refund please', customerEmail: EMAIL, card: { number: CARD } });
    expect(await completed(id)).toBe('completed');
    const [classify] = await attempts(fixture.ds, id);
    expect(classify!.output).toMatchObject({ label: 'refund', draft: '[REDACTED:path]' });
    expect(classify!.redactions).toEqual({ total: 1, paths: ['$.draft'], detectors: [], locations: ['/output/draft'] });
  });

  it('stores the trace as it was when nothing needs redacting, and records that nothing was', async () => {
    const wf = await seedWorkflow(fixture.ds, 'redact-nothing', definition(fixture.receiver.url, { detectors: [] }), 'execute');
    const id = await startRun(fixture.ds, wf, { message: 'refund please', customerEmail: EMAIL, card: { number: CARD } });
    expect(await completed(id)).toBe('completed');
    const [classify] = await attempts(fixture.ds, id);
    expect(classify!.output).toMatchObject({ draft: `Reply to ${EMAIL} about card ${CARD}` });
    expect(classify!.redactions).toEqual({ total: 0, paths: [], detectors: [], locations: [] });
    expect(classify!.execution_output).toBeNull();
  });
});
