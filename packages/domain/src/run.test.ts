import { describe, expect, it } from 'vitest';
import { IllegalTransitionError } from './errors.js';
import {
  MAX_IDEMPOTENCY_KEY_LENGTH,
  RUN_STATUSES,
  TERMINAL_RUN_STATUSES,
  canTransitionRun,
  canonicalInput,
  createRun,
  isTerminalRunStatus,
  resolveIdempotentStart,
  transitionRun,
  type Run,
  type RunCommand,
  type RunStatus,
} from './run.js';
import { ROLLOUT_STAGES } from './workflow.js';
import { LATER, NOW, actors, expectDomainError, makeRun, makeVersion, makeWorkflow } from './test/fixtures.js';

type CommandType = RunCommand['type'];

/** One sample of every command; the Record type makes the compiler insist on all of them. */
const COMMANDS: { [K in CommandType]: Extract<RunCommand, { type: K }> } = {
  start: { type: 'start', stepId: 'draft' },
  advance: { type: 'advance', stepId: 'check' },
  request_approval: { type: 'request_approval', stepId: 'approve', approvalId: 'apr-1' },
  raise_exception: { type: 'raise_exception', stepId: 'draft', reason: 'low_confidence', exceptionId: 'exc-1' },
  requeue: { type: 'requeue', cause: 'approval_granted' },
  complete: { type: 'complete', output: { reply: 'Done', label: 'refund' } },
  fail: { type: 'fail', error: { code: 'tool_error', message: 'webhook returned 500' } },
  cancel: { type: 'cancel', reason: 'customer withdrew' },
  hand_off: { type: 'hand_off', to: 'tier2' },
  reopen: { type: 'reopen', reason: 'wrong refund amount', exceptionId: 'exc-2' },
};
const COMMAND_TYPES = Object.keys(COMMANDS) as CommandType[];

/**
 * The run state machine, written out by hand (NOT read from run.ts) so that a change to the
 * source's table fails here until this expectation is changed on purpose.
 */
const LEGAL_FROM: { [K in CommandType]: readonly RunStatus[] } = {
  start: ['queued'],
  advance: ['running'],
  request_approval: ['running'],
  raise_exception: ['running'],
  requeue: ['running', 'waiting_approval', 'in_exception'],
  complete: ['running'],
  fail: ['running', 'in_exception'],
  cancel: ['queued', 'running', 'waiting_approval', 'in_exception'],
  hand_off: ['waiting_approval', 'in_exception'],
  reopen: ['completed'],
};

const NEXT_STATUS: { [K in CommandType]: RunStatus } = {
  start: 'running',
  advance: 'running',
  request_approval: 'waiting_approval',
  raise_exception: 'in_exception',
  requeue: 'queued',
  complete: 'completed',
  fail: 'failed',
  cancel: 'cancelled',
  hand_off: 'handed_off',
  reopen: 'in_exception',
};

const EVENT_TYPE: { [K in CommandType]: string } = {
  start: 'run.started',
  advance: 'run.advanced',
  request_approval: 'run.waiting_approval',
  raise_exception: 'run.exception_raised',
  requeue: 'run.requeued',
  complete: 'run.completed',
  fail: 'run.failed',
  cancel: 'run.cancelled',
  hand_off: 'run.handed_off',
  reopen: 'run.reopened',
};

const TERMINAL: readonly RunStatus[] = ['completed', 'failed', 'cancelled', 'handed_off'];

/** A run sitting in `status`, shaped as it would be when it got there. */
function runIn(status: RunStatus): Run {
  const started = status === 'queued' ? {} : { startedAt: NOW, currentStepId: 'classify' };
  const finished = TERMINAL.includes(status) ? { finishedAt: NOW } : {};
  return makeRun({ status, ...started, ...finished });
}

/** What each legal command must set besides status, event type and updatedAt. */
function expectCommandEffects(type: CommandType, before: Run, after: Run, data: Record<string, unknown>): void {
  const unchanged = (...fields: Array<keyof Run>) => {
    for (const field of fields) expect(after[field], `${field} unchanged`).toEqual(before[field]);
  };
  switch (type) {
    case 'start':
      expect(after.currentStepId).toBe('draft');
      expect(after.startedAt).toEqual(before.startedAt ?? LATER);
      expect(data).toEqual({ workflowId: 'wf-1', stepId: 'draft' });
      unchanged('finishedAt', 'output', 'error', 'cancelReason');
      break;
    case 'advance':
      expect(after.currentStepId).toBe('check');
      expect(data).toEqual({ workflowId: 'wf-1', from: before.currentStepId, stepId: 'check' });
      unchanged('startedAt', 'finishedAt', 'output');
      break;
    case 'request_approval':
      expect(after.currentStepId).toBe('approve');
      expect(data).toEqual({ workflowId: 'wf-1', stepId: 'approve', approvalId: 'apr-1' });
      unchanged('finishedAt', 'output');
      break;
    case 'raise_exception':
      expect(after.currentStepId).toBe('draft');
      expect(data).toEqual({ workflowId: 'wf-1', stepId: 'draft', reason: 'low_confidence', exceptionId: 'exc-1' });
      unchanged('finishedAt', 'output');
      break;
    case 'requeue':
      expect(data).toEqual({ workflowId: 'wf-1', cause: 'approval_granted', stepId: before.currentStepId });
      unchanged('currentStepId', 'startedAt', 'finishedAt', 'output');
      break;
    case 'complete':
      expect(after.output).toEqual({ reply: 'Done', label: 'refund' });
      expect(after.finishedAt).toBe(LATER);
      expect(data).toEqual({ workflowId: 'wf-1' });
      unchanged('error', 'cancelReason', 'currentStepId');
      break;
    case 'fail':
      expect(after.error).toEqual({ code: 'tool_error', message: 'webhook returned 500' });
      expect(after.finishedAt).toBe(LATER);
      expect(data).toEqual({ workflowId: 'wf-1', error: { code: 'tool_error', message: 'webhook returned 500' } });
      unchanged('output', 'cancelReason');
      break;
    case 'cancel':
      expect(after.cancelReason).toBe('customer withdrew');
      expect(after.finishedAt).toBe(LATER);
      expect(data).toEqual({ workflowId: 'wf-1', reason: 'customer withdrew', from: before.status });
      unchanged('output', 'error');
      break;
    case 'hand_off':
      expect(after.finishedAt).toBe(LATER);
      expect(data).toEqual({ workflowId: 'wf-1', to: 'tier2' });
      unchanged('output', 'error', 'cancelReason', 'currentStepId');
      break;
    case 'reopen':
      expect(after.finishedAt).toBeNull();
      expect(data).toEqual({ workflowId: 'wf-1', reason: 'wrong refund amount', exceptionId: 'exc-2', stepId: before.currentStepId });
      unchanged('output', 'error', 'cancelReason', 'currentStepId', 'startedAt');
      break;
  }
}

describe('run statuses', () => {
  it('lists every status once', () => {
    expect([...RUN_STATUSES]).toEqual(['queued', 'running', 'waiting_approval', 'in_exception', 'completed', 'failed', 'cancelled', 'handed_off']);
  });

  it.each(RUN_STATUSES)('%s is terminal exactly when expected', (status) => {
    expect(isTerminalRunStatus(status)).toBe(TERMINAL.includes(status));
    expect((TERMINAL_RUN_STATUSES as readonly RunStatus[]).includes(status)).toBe(TERMINAL.includes(status));
  });

  it('lets no command leave a terminal status, except re-opening a completed run', () => {
    for (const status of TERMINAL) {
      expect(COMMAND_TYPES.filter((type) => canTransitionRun(status, type)), status).toEqual(status === 'completed' ? ['reopen'] : []);
    }
  });

  it('lets every non-terminal status be cancelled', () => {
    for (const status of RUN_STATUSES.filter((s) => !TERMINAL.includes(s))) expect(canTransitionRun(status, 'cancel'), status).toBe(true);
  });
});

describe('transitionRun: every status × every command', () => {
  const pairs = RUN_STATUSES.flatMap((status) => COMMAND_TYPES.map((type) => [status, type, LEGAL_FROM[type].includes(status)] as const));

  it('covers 8 statuses × 10 commands with 17 legal pairs', () => {
    expect(pairs).toHaveLength(80);
    expect(pairs.filter(([, , legal]) => legal)).toHaveLength(17);
  });

  it.each(pairs)('%s + %s → legal: %s', (status, type, legal) => {
    const before = runIn(status);
    const snapshot = structuredClone(before);
    expect(canTransitionRun(status, type)).toBe(legal);

    if (legal) {
      const { state, events } = transitionRun(before, COMMANDS[type], LATER);
      expect(state.status).toBe(NEXT_STATUS[type]);
      expect(state.updatedAt).toBe(LATER);
      expect(state.id).toBe(before.id);
      expect(state.mode).toBe(before.mode);
      expect(state.input).toEqual(before.input);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ type: EVENT_TYPE[type], subjectType: 'run', subjectId: 'run-1' });
      expectCommandEffects(type, before, state, events[0]!.data);
    } else {
      let thrown: unknown;
      try {
        transitionRun(before, COMMANDS[type], LATER);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(IllegalTransitionError);
      const error = thrown as IllegalTransitionError;
      expect(error.code).toBe('illegal_transition');
      expect(error.message).toContain(`a run that is ${status.replaceAll('_', ' ')}`);
      expect(error.message).toContain(`Cannot ${type.replaceAll('_', ' ')}`);
      expect(error.details).toEqual({ entity: 'run', from: status, transition: type });
      if (TERMINAL.includes(status)) expect(error.message).toContain('Run run-1 has already finished.');
      else expect(error.message).not.toContain('already finished');
    }
    expect(before, 'the input run is never mutated').toEqual(snapshot);
  });
});

describe('transitionRun details', () => {
  it('keeps the first startedAt when a requeued run starts again', () => {
    const requeued = runIn('queued');
    requeued.startedAt = NOW;
    expect(transitionRun(requeued, { type: 'start', stepId: 'send' }, LATER).state.startedAt).toBe(NOW);
    expect(transitionRun(runIn('queued'), { type: 'start', stepId: 'classify' }, LATER).state.startedAt).toBe(LATER);
  });

  it.each(['retry', 'approval_granted', 'exception_retry', 'exception_override'] as const)('records the requeue cause %s', (cause) => {
    expect(transitionRun(runIn('in_exception'), { type: 'requeue', cause }, LATER).events[0]!.data.cause).toBe(cause);
  });

  it('completes with a null output', () => {
    expect(transitionRun(runIn('running'), { type: 'complete', output: null }, LATER).state).toMatchObject({ status: 'completed', output: null });
  });

  it('walks a run through approval to completion', () => {
    let run = runIn('queued');
    const steps: RunCommand[] = [
      { type: 'start', stepId: 'classify' },
      { type: 'advance', stepId: 'draft' },
      { type: 'request_approval', stepId: 'approve', approvalId: 'apr-9' },
      { type: 'requeue', cause: 'approval_granted' },
      { type: 'start', stepId: 'send' },
      { type: 'complete', output: { sent: true } },
    ];
    const seen: string[] = [];
    for (const command of steps) {
      const result = transitionRun(run, command, LATER);
      run = result.state;
      seen.push(`${result.events[0]!.type}→${run.status}`);
    }
    expect(seen).toEqual([
      'run.started→running',
      'run.advanced→running',
      'run.waiting_approval→waiting_approval',
      'run.requeued→queued',
      'run.resumed→running',
      'run.completed→completed',
    ]);
    expect(run.currentStepId).toBe('send');
  });

  it('starts a run the first time it is picked up, and resumes it every later time', () => {
    const first = transitionRun(runIn('queued'), { type: 'start', stepId: 'classify' }, LATER);
    expect(first.events).toEqual([{ type: 'run.started', subjectType: 'run', subjectId: 'run-1', data: { workflowId: 'wf-1', stepId: 'classify' } }]);
    const again = transitionRun({ ...runIn('queued'), startedAt: NOW }, { type: 'start', stepId: 'send' }, LATER);
    expect(again.events).toEqual([{ type: 'run.resumed', subjectType: 'run', subjectId: 'run-1', data: { workflowId: 'wf-1', stepId: 'send' } }]);
    expect(again.state).toMatchObject({ status: 'running', currentStepId: 'send', startedAt: NOW });
  });

  it('walks a run through an exception to a hand-off', () => {
    const inException = transitionRun(runIn('running'), COMMANDS.raise_exception, LATER).state;
    const handedOff = transitionRun(inException, { type: 'hand_off', to: 'legal' }, LATER).state;
    expect(handedOff.status).toBe('handed_off');
    expect(isTerminalRunStatus(handedOff.status)).toBe(true);
  });
});

describe('dispatchSeq, the fencing token', () => {
  /** How much each command moves the token, written out by hand: only re-dispatching commands move it. */
  const SEQ_DELTA: { [K in CommandType]: number } = {
    start: 0,
    advance: 1,
    request_approval: 0,
    raise_exception: 0,
    requeue: 1,
    complete: 0,
    fail: 0,
    cancel: 0,
    hand_off: 0,
    reopen: 0,
  };
  const legal = RUN_STATUSES.flatMap((status) => COMMAND_TYPES.filter((type) => LEGAL_FROM[type].includes(status)).map((type) => [status, type] as const));

  it.each(legal)('%s + %s moves it by the expected amount', (status, type) => {
    const before = { ...runIn(status), dispatchSeq: 5 };
    expect(transitionRun(before, COMMANDS[type], LATER).state.dispatchSeq).toBe(5 + SEQ_DELTA[type]);
  });

  it('grows by one per advance and per requeue along a run’s life', () => {
    let run = runIn('queued');
    const seqs: number[] = [run.dispatchSeq];
    for (const command of [
      { type: 'start', stepId: 'classify' },
      { type: 'advance', stepId: 'draft' },
      { type: 'requeue', cause: 'retry' },
      { type: 'start', stepId: 'draft' },
      { type: 'advance', stepId: 'approve' },
      { type: 'request_approval', stepId: 'approve', approvalId: 'apr-1' },
      { type: 'requeue', cause: 'approval_granted' },
      { type: 'start', stepId: 'approve' },
      { type: 'complete', output: null },
    ] as RunCommand[]) {
      run = transitionRun(run, command, LATER).state;
      seqs.push(run.dispatchSeq);
    }
    expect(seqs).toEqual([1, 1, 2, 3, 3, 4, 4, 5, 5, 5]);
  });
});

describe('createRun', () => {
  const liveVersion = () => makeVersion({ status: 'published', publishedAt: NOW });
  const liveWorkflow = (overrides: Parameters<typeof makeWorkflow>[0] = {}) => makeWorkflow({ publishedVersionId: 'ver-1', ...overrides });
  const input = { message: 'I want my money back', customerId: 'c-42' };
  const request = (overrides: Partial<Parameters<typeof createRun>[2]> = {}) => ({
    id: 'run-9',
    input,
    inputHash: 'h-9',
    idempotencyKey: 'order-42',
    ...overrides,
  });

  it('creates a queued run at the first step of the published version', () => {
    const { state, events } = createRun(liveWorkflow(), liveVersion(), request({ externalRef: '  ticket-7 ' }), actors.integrator, NOW);
    expect(state).toEqual({
      id: 'run-9',
      workflowId: 'wf-1',
      versionId: 'ver-1',
      mode: 'shadow',
      status: 'queued',
      input,
      inputHash: 'h-9',
      idempotencyKey: 'order-42',
      externalRef: 'ticket-7',
      currentStepId: 'classify',
      dispatchSeq: 1,
      output: null,
      error: null,
      cancelReason: null,
      reopenCount: 0,
      reopenedAt: null,
      createdBy: actors.integrator.id,
      createdAt: NOW,
      startedAt: null,
      finishedAt: null,
      updatedAt: NOW,
    });
    expect(events).toEqual([
      {
        type: 'run.created',
        subjectType: 'run',
        subjectId: 'run-9',
        data: { workflowId: 'wf-1', versionId: 'ver-1', version: 1, mode: 'shadow', idempotencyKey: 'order-42', externalRef: 'ticket-7', firstStepId: 'classify' },
      },
    ]);
  });

  it.each(ROLLOUT_STAGES)('captures the mode from the workflow’s rollout stage (%s)', (stage) => {
    const { state, events } = createRun(liveWorkflow({ rolloutStage: stage }), liveVersion(), request(), actors.integrator, NOW);
    expect(state.mode).toBe(stage);
    expect(events[0]!.data.mode).toBe(stage);
  });

  it('accepts runs while the workflow is paused (they wait in the queue)', () => {
    expect(createRun(liveWorkflow({ paused: true, pausedReason: 'incident' }), liveVersion(), request(), actors.integrator, NOW).state.status).toBe('queued');
  });

  it('refuses when there is no version', () => {
    const error = expectDomainError(() => createRun(liveWorkflow(), null, request(), actors.integrator, NOW), 'precondition_failed');
    expect(error.message).toBe('Workflow "support-triage" has no published version yet; publish one before starting runs.');
  });

  it('refuses when nothing is published on the workflow', () => {
    expectDomainError(() => createRun(makeWorkflow(), liveVersion(), request(), actors.integrator, NOW), 'precondition_failed');
  });

  it.each(['draft', 'proposed', 'approved', 'rejected', 'superseded'] as const)('refuses a %s version', (status) => {
    expectDomainError(() => createRun(liveWorkflow(), makeVersion({ status }), request(), actors.integrator, NOW), 'precondition_failed');
  });

  it('refuses a published version that is not the workflow’s current one', () => {
    expectDomainError(() => createRun(liveWorkflow({ publishedVersionId: 'ver-2' }), liveVersion(), request(), actors.integrator, NOW), 'precondition_failed');
  });

  it('refuses input that does not match the input schema, listing every issue with a JSON pointer', () => {
    const bad = { message: '', customerId: 'x-1', email: 'nope', order: { amount: -5 }, extra: true };
    const error = expectDomainError(() => createRun(liveWorkflow(), liveVersion(), request({ input: bad }), actors.integrator, NOW), 'invalid_input');
    const issues = error.details.issues as Array<{ path: string; message: string }>;
    expect(issues.map((i) => i.path).sort()).toEqual(['/', '/customerId', '/email', '/message', '/order/amount']);
    expect(issues.find((i) => i.path === '/')!.message).toBe('must NOT have additional properties (extra)');
    expect(error.message).toContain('The input does not match the input schema of "support-triage" v1: ');
    expect(error.message).toContain('/order/amount must be >= 0');
  });

  it('refuses input that misses a required field or is not an object', () => {
    const missing = expectDomainError(() => createRun(liveWorkflow(), liveVersion(), request({ input: { message: 'hi' } }), actors.integrator, NOW), 'invalid_input');
    expect(missing.details.issues).toEqual([{ path: '/customerId', message: "must have required property 'customerId'" }]);
    const notObject = expectDomainError(() => createRun(liveWorkflow(), liveVersion(), request({ input: 'hello' }), actors.integrator, NOW), 'invalid_input');
    expect(notObject.details.issues).toEqual([{ path: '/', message: 'must be object' }]);
  });

  it('trims the idempotency key and the external reference', () => {
    const { state } = createRun(liveWorkflow(), liveVersion(), request({ idempotencyKey: '  order-42\n', externalRef: '   ' }), actors.integrator, NOW);
    expect(state.idempotencyKey).toBe('order-42');
    expect(state.externalRef).toBeNull();
  });

  it(`accepts an idempotency key of exactly ${MAX_IDEMPOTENCY_KEY_LENGTH} characters (after trimming)`, () => {
    expect(MAX_IDEMPOTENCY_KEY_LENGTH).toBe(200);
    const key = 'k'.repeat(200);
    expect(createRun(liveWorkflow(), liveVersion(), request({ idempotencyKey: ` ${key} ` }), actors.integrator, NOW).state.idempotencyKey).toBe(key);
  });

  it.each(['', '    ', 'k'.repeat(201)])('refuses the idempotency key %j', (idempotencyKey) => {
    const error = expectDomainError(() => createRun(liveWorkflow(), liveVersion(), request({ idempotencyKey }), actors.integrator, NOW), 'invalid_input');
    expect(error.details).toEqual({ field: 'idempotencyKey' });
    expect(error.message).toBe('idempotencyKey must be 1–200 characters.');
  });

  it('checks the version before the key, and the key before the input', () => {
    expectDomainError(() => createRun(liveWorkflow(), null, request({ idempotencyKey: '', input: 1 }), actors.integrator, NOW), 'precondition_failed');
    expect(expectDomainError(() => createRun(liveWorkflow(), liveVersion(), request({ idempotencyKey: '', input: 1 }), actors.integrator, NOW), 'invalid_input').details).toEqual({
      field: 'idempotencyKey',
    });
  });
});

describe('resolveIdempotentStart', () => {
  it('returns the existing run for the same input hash', () => {
    const existing = makeRun({ status: 'completed', inputHash: canonicalInput({ a: 1, b: 2 }) });
    expect(resolveIdempotentStart(existing, canonicalInput({ b: 2, a: 1 }))).toBe(existing);
  });

  it('refuses the same key with a different input', () => {
    const existing = makeRun({ inputHash: canonicalInput({ a: 1 }) });
    const error = expectDomainError(() => resolveIdempotentStart(existing, canonicalInput({ a: 2 })), 'idempotency_conflict');
    expect(error.message).toContain('Idempotency key "idem-1" was already used for run run-1 with a different input');
    expect(error.details).toEqual({ runId: 'run-1' });
  });
});
