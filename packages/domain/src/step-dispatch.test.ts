import { describe, expect, it } from 'vitest';
import { STEP_DISPATCH_TOPIC, actionIdempotencyKey, isCurrentDispatch, parseStepDispatch, stepDispatchMessage, type StepDispatch } from './step-dispatch.js';

const RUN_ID = '0b5e3c52-9d0a-4c1e-8f3a-2b7d6e1f4a90';
const DECISION_ID = 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d';

const raw = (message: Record<string, unknown>) => JSON.stringify(message);
const valid = (extra: Record<string, unknown> = {}) => raw({ v: 1, runId: RUN_ID, stepId: 'classify', cause: 'started', ...extra });

describe('STEP_DISPATCH_TOPIC', () => {
  it('is the agreed topic name', () => {
    expect(STEP_DISPATCH_TOPIC).toBe('gatehouse.step-dispatch');
  });
});

describe('parseStepDispatch: well-formed messages', () => {
  it('parses the minimal message with no optional keys', () => {
    const parsed = parseStepDispatch(valid());
    expect(parsed).toStrictEqual({ ok: true, dispatch: { v: 1, runId: RUN_ID, stepId: 'classify', cause: 'started' } });
  });

  it('keeps decisionId, seq and try when present', () => {
    expect(parseStepDispatch(valid({ cause: 'approval_granted', decisionId: DECISION_ID, seq: 7, try: 2 }))).toStrictEqual({
      ok: true,
      dispatch: { v: 1, runId: RUN_ID, stepId: 'classify', cause: 'approval_granted', decisionId: DECISION_ID, seq: 7, try: 2 },
    });
  });

  it.each(['started', 'advanced', 'retry', 'approval_granted', 'exception_retry', 'exception_override'])('accepts the cause %s', (cause) => {
    const parsed = parseStepDispatch(valid({ cause }));
    expect(parsed.ok && parsed.dispatch.cause).toBe(cause);
  });

  it('lower-cases runId and decisionId', () => {
    const parsed = parseStepDispatch(valid({ runId: RUN_ID.toUpperCase(), decisionId: DECISION_ID.toUpperCase() }));
    expect(parsed).toMatchObject({ ok: true, dispatch: { runId: RUN_ID, decisionId: DECISION_ID } });
  });

  it('keeps the stepId exactly as sent (no case folding)', () => {
    const parsed = parseStepDispatch(valid({ stepId: 'Send-Reply' }));
    expect(parsed.ok && parsed.dispatch.stepId).toBe('Send-Reply');
  });

  it('ignores unknown fields from newer producers and does not copy them', () => {
    const parsed = parseStepDispatch(valid({ futureField: 'x', traceId: 'abc' }));
    expect(parsed).toStrictEqual({ ok: true, dispatch: { v: 1, runId: RUN_ID, stepId: 'classify', cause: 'started' } });
  });

  it('keeps a W3C traceparent, and drops a malformed one instead of rejecting the step', () => {
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    expect(parseStepDispatch(valid({ traceparent }))).toMatchObject({ ok: true, dispatch: { traceparent } });
    for (const bad of ['not-a-trace', 42, '00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01']) {
      expect(parseStepDispatch(valid({ traceparent: bad }))).toStrictEqual({ ok: true, dispatch: { v: 1, runId: RUN_ID, stepId: 'classify', cause: 'started' } });
    }
  });

  it('accepts seq and try of 1, the smallest positive integers', () => {
    expect(parseStepDispatch(valid({ seq: 1, try: 1 }))).toMatchObject({ ok: true, dispatch: { seq: 1, try: 1 } });
  });

  it('accepts surrounding whitespace around the JSON', () => {
    expect(parseStepDispatch(`  ${valid()}\n`).ok).toBe(true);
  });
});

describe('parseStepDispatch: rejections', () => {
  it.each(['', 'not json', '{"v":1', "{'v':1}", 'undefined'])('rejects %j as not JSON, with no run id', (text) => {
    expect(parseStepDispatch(text)).toEqual({ ok: false, reason: 'not JSON', runId: null });
  });

  it.each(['null', '[]', `[${valid()}]`, '1', '"text"', 'true'])('rejects %s as not a JSON object, with no run id', (text) => {
    expect(parseStepDispatch(text)).toEqual({ ok: false, reason: 'not a JSON object', runId: null });
  });

  it.each([
    [{ v: 2 }, 'unsupported message version 2'],
    [{ v: '1' }, 'unsupported message version "1"'],
    [{ v: null }, 'unsupported message version null'],
    [{ v: 1.5 }, 'unsupported message version 1.5'],
  ])('rejects the version in %j', (patch, reason) => {
    expect(parseStepDispatch(valid(patch))).toEqual({ ok: false, reason, runId: RUN_ID });
  });

  it('rejects a message without v', () => {
    expect(parseStepDispatch(raw({ runId: RUN_ID, stepId: 'classify', cause: 'started' }))).toEqual({ ok: false, reason: 'unsupported message version undefined', runId: RUN_ID });
  });

  it('still reports the (lower-cased) run id when the version is wrong, so the dead letter can be linked', () => {
    expect(parseStepDispatch(valid({ v: 9, runId: RUN_ID.toUpperCase() }))).toEqual({ ok: false, reason: 'unsupported message version 9', runId: RUN_ID });
  });

  it.each([
    ['absent', undefined],
    ['not a uuid', 'run-1'],
    ['a uuid with extra text', `${RUN_ID}x`],
    ['a uuid without dashes', RUN_ID.replaceAll('-', '')],
    ['a number', 42],
    ['padded', ` ${RUN_ID}`],
  ])('rejects a runId that is %s, with runId null', (_what, runId) => {
    expect(parseStepDispatch(valid({ runId }))).toEqual({ ok: false, reason: 'runId is not a uuid', runId: null });
  });

  it('reports the version before the run id when both are wrong', () => {
    expect(parseStepDispatch(raw({ v: 0, runId: 'nope' }))).toEqual({ ok: false, reason: 'unsupported message version 0', runId: null });
  });

  it.each([
    ['absent', undefined],
    ['empty', ''],
    ['a number', 3],
    ['null', null],
  ])('rejects a stepId that is %s', (_what, stepId) => {
    expect(parseStepDispatch(valid({ stepId }))).toEqual({ ok: false, reason: 'stepId is missing', runId: RUN_ID });
  });

  it.each([
    [{ cause: 'resumed' }, 'unknown cause "resumed"'],
    [{ cause: 'Retry' }, 'unknown cause "Retry"'],
    [{ cause: null }, 'unknown cause null'],
    [{ cause: undefined }, 'unknown cause undefined'],
  ])('rejects the cause in %j', (patch, reason) => {
    expect(parseStepDispatch(valid(patch))).toEqual({ ok: false, reason, runId: RUN_ID });
  });

  it.each([
    ['not a uuid', 'apr-1'],
    ['a number', 5],
    ['null', null],
    ['empty', ''],
  ])('rejects a decisionId that is %s', (_what, decisionId) => {
    expect(parseStepDispatch(valid({ decisionId }))).toEqual({ ok: false, reason: 'decisionId is not a uuid', runId: RUN_ID });
  });

  it.each([0, -1, 1.5, '3', null, true])('rejects seq %j', (seq) => {
    expect(parseStepDispatch(valid({ seq }))).toEqual({ ok: false, reason: 'seq is not a positive integer', runId: RUN_ID });
  });

  it.each([0, -2, 2.5, '2', null, false])('rejects try %j', (tryNo) => {
    expect(parseStepDispatch(valid({ try: tryNo }))).toEqual({ ok: false, reason: 'try is not a positive integer', runId: RUN_ID });
  });

  it('checks the fields in order: stepId before cause before decisionId before seq before try', () => {
    const all = { stepId: '', cause: 'x', decisionId: 'x', seq: 0, try: 0 };
    expect(parseStepDispatch(valid(all))).toMatchObject({ reason: 'stepId is missing' });
    expect(parseStepDispatch(valid({ ...all, stepId: 's' }))).toMatchObject({ reason: 'unknown cause "x"' });
    expect(parseStepDispatch(valid({ ...all, stepId: 's', cause: 'retry' }))).toMatchObject({ reason: 'decisionId is not a uuid' });
    expect(parseStepDispatch(valid({ ...all, stepId: 's', cause: 'retry', decisionId: DECISION_ID }))).toMatchObject({ reason: 'seq is not a positive integer' });
    expect(parseStepDispatch(valid({ ...all, stepId: 's', cause: 'retry', decisionId: DECISION_ID, seq: 1 }))).toMatchObject({ reason: 'try is not a positive integer' });
  });
});

describe('stepDispatchMessage', () => {
  it('stamps the current message version', () => {
    expect(stepDispatchMessage({ runId: 'r', stepId: 's', cause: 'started', seq: 1 })).toEqual({ v: 1, runId: 'r', stepId: 's', cause: 'started', seq: 1 });
  });
});

describe('isCurrentDispatch', () => {
  const dispatch: StepDispatch = { v: 1, runId: 'r', stepId: 'check', cause: 'advanced', seq: 4 };
  const run = { status: 'running' as const, currentStepId: 'check', dispatchSeq: 4 };

  it('accepts the dispatch the run waits for, queued or running', () => {
    expect(isCurrentDispatch(run, dispatch)).toBe(true);
    expect(isCurrentDispatch({ ...run, status: 'queued' }, dispatch)).toBe(true);
  });

  it('refuses an overtaken sequence number, another step, or a run that is not moving', () => {
    expect(isCurrentDispatch({ ...run, dispatchSeq: 5 }, dispatch)).toBe(false);
    expect(isCurrentDispatch({ ...run, currentStepId: 'act' }, dispatch)).toBe(false);
    for (const status of ['waiting_approval', 'in_exception', 'completed', 'failed', 'cancelled', 'handed_off'] as const) {
      expect(isCurrentDispatch({ ...run, status }, dispatch), status).toBe(false);
    }
  });

  it('accepts a message from before sequence numbers by step alone', () => {
    const { seq: _seq, ...legacy } = dispatch;
    expect(isCurrentDispatch({ ...run, dispatchSeq: 9 }, legacy)).toBe(true);
  });
});

describe('actionIdempotencyKey', () => {
  const dispatch: StepDispatch = { v: 1, runId: 'r', stepId: 'act', cause: 'retry', seq: 3, try: 2 };

  it('mints run:step:attempt for the first send', () => {
    expect(actionIdempotencyKey({ ...dispatch, cause: 'advanced' }, 1, null)).toBe('r:act:1');
  });

  it('keeps the key of the earlier send across automatic retries and decisions', () => {
    expect(actionIdempotencyKey(dispatch, 2, 'r:act:1')).toBe('r:act:1');
    expect(actionIdempotencyKey({ ...dispatch, cause: 'approval_granted' }, 3, 'r:act:1')).toBe('r:act:1');
  });

  it('mints a new key when a person asks for a retry', () => {
    expect(actionIdempotencyKey({ ...dispatch, cause: 'exception_retry' }, 4, 'r:act:1')).toBe('r:act:4');
  });
});
