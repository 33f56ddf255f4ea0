import { describe, expect, it } from 'vitest';
import type { JsonValue } from './json-schema.js';
import type { Run } from './run.js';
import type { StepOutcome } from './step-evaluation.js';
import { attemptStatusFor, DEFAULT_BACKOFF_MS, DEFAULT_MAX_TRIES, isAuditedEvent, MAX_BACKOFF_MS, nextStepAfter, planFailure, progressRun, type StepProgressInput } from './step-progress.js';
import type { ExceptionHandling, ExceptionReason, StepDefinition, WorkflowDefinition } from './workflow-definition.js';
import { LATER, NOW, actors, bareDefinition, fullDefinition, makeRun } from './test/fixtures.js';

/*
 * fullDefinition(): classify (rules) → draft (agent, maxAttempts 3) → check (validate) → route →
 * approve (approval, requiredRole reviewer) → send (action, no maxAttempts). Exception policy:
 * low_confidence queue; invalid_output retry ×3, backoff 1000, then hand off to tier2;
 * tool_error retry ×5, backoff 2000; missing_data hand off to tier2; timeout queue.
 * SLAs: approval 60 min, exception 240 min. LATER is 2025-03-01T10:30:00.000Z.
 */

const at = (ms: number) => new Date(LATER.getTime() + ms);
const MINUTE = 60_000;

function stepIn(definition: WorkflowDefinition, id: string): StepDefinition {
  const step = definition.steps.find((s) => s.id === id);
  if (!step) throw new Error(`test setup: no step ${id}`);
  return step;
}

/** fullDefinition with one reason's handling replaced (or removed with null). */
function withPolicy(reason: ExceptionReason, handling: ExceptionHandling | null): WorkflowDefinition {
  const def = fullDefinition();
  if (handling === null) delete def.exceptionPolicy![reason];
  else def.exceptionPolicy![reason] = handling;
  return def;
}

describe('retry constants', () => {
  it('are 3 tries, 500 ms base backoff, 5 minutes cap', () => {
    expect(DEFAULT_MAX_TRIES).toBe(3);
    expect(DEFAULT_BACKOFF_MS).toBe(500);
    expect(MAX_BACKOFF_MS).toBe(300_000);
  });
});

describe('planFailure', () => {
  const def = fullDefinition();
  const send = stepIn(def, 'send'); // no maxAttempts of its own
  const draft = stepIn(def, 'draft'); // maxAttempts 3

  it('retries a transient failure with the policy’s backoff doubling per try, up to its maxAttempts', () => {
    expect(planFailure(def, send, 'tool_error', true, 1)).toEqual({ type: 'retry', delayMs: 2000, maxTries: 5 });
    expect(planFailure(def, send, 'tool_error', true, 2)).toEqual({ type: 'retry', delayMs: 4000, maxTries: 5 });
    expect(planFailure(def, send, 'tool_error', true, 3)).toEqual({ type: 'retry', delayMs: 8000, maxTries: 5 });
    expect(planFailure(def, send, 'tool_error', true, 4)).toEqual({ type: 'retry', delayMs: 16000, maxTries: 5 });
    expect(planFailure(def, send, 'tool_error', true, 5)).toEqual({ type: 'queue', exhausted: true, maxTries: 5 });
  });

  it('does not retry a non-retryable failure, whatever the policy says', () => {
    expect(planFailure(def, send, 'tool_error', false, 1)).toEqual({ type: 'queue', exhausted: false, maxTries: 1 });
    expect(planFailure(def, draft, 'tool_error', false, 1)).toEqual({ type: 'queue', exhausted: false, maxTries: 1 });
  });

  it('uses 3 tries and 500 ms doubling when the policy has nothing for the reason', () => {
    expect(planFailure(def, send, 'model_error', true, 1)).toEqual({ type: 'retry', delayMs: 500, maxTries: 3 });
    expect(planFailure(def, send, 'model_error', true, 2)).toEqual({ type: 'retry', delayMs: 1000, maxTries: 3 });
    expect(planFailure(def, send, 'model_error', true, 3)).toEqual({ type: 'queue', exhausted: true, maxTries: 3 });
  });

  it('uses the defaults when the definition has no exception policy at all', () => {
    const bare = bareDefinition();
    const only = stepIn(bare, 'only');
    expect(planFailure(bare, only, 'timeout', true, 1)).toEqual({ type: 'retry', delayMs: 500, maxTries: 3 });
    expect(planFailure(bare, only, 'timeout', true, 3)).toEqual({ type: 'queue', exhausted: true, maxTries: 3 });
  });

  it('uses 3 tries and the default backoff for a retry policy without maxAttempts or backoffMs', () => {
    const d = withPolicy('tool_error', { action: 'retry' });
    expect(planFailure(d, send, 'tool_error', true, 2)).toEqual({ type: 'retry', delayMs: 1000, maxTries: 3 });
    expect(planFailure(d, send, 'tool_error', true, 3)).toEqual({ type: 'queue', exhausted: true, maxTries: 3 });
  });

  it('lets the step’s maxAttempts override the retry policy’s', () => {
    // draft: maxAttempts 3 vs tool_error maxAttempts 5; the backoff still comes from the policy.
    expect(planFailure(def, draft, 'tool_error', true, 2)).toEqual({ type: 'retry', delayMs: 4000, maxTries: 3 });
    expect(planFailure(def, draft, 'tool_error', true, 3)).toEqual({ type: 'queue', exhausted: true, maxTries: 3 });
  });

  it('lets the step’s maxAttempts apply when the policy has nothing for the reason', () => {
    const d = fullDefinition();
    stepIn(d, 'send').maxAttempts = 2;
    expect(planFailure(d, stepIn(d, 'send'), 'model_error', true, 1)).toEqual({ type: 'retry', delayMs: 500, maxTries: 2 });
    expect(planFailure(d, stepIn(d, 'send'), 'model_error', true, 2)).toEqual({ type: 'queue', exhausted: true, maxTries: 2 });
  });

  it('does not count a single allowed try as exhausted retries', () => {
    const d = fullDefinition();
    stepIn(d, 'send').maxAttempts = 1;
    expect(planFailure(d, stepIn(d, 'send'), 'tool_error', true, 1)).toEqual({ type: 'queue', exhausted: false, maxTries: 1 });
  });

  it('caps the backoff at 5 minutes', () => {
    const d = withPolicy('tool_error', { action: 'retry', maxAttempts: 20, backoffMs: 100_000 });
    expect(planFailure(d, send, 'tool_error', true, 1)).toEqual({ type: 'retry', delayMs: 100_000, maxTries: 20 });
    expect(planFailure(d, send, 'tool_error', true, 2)).toEqual({ type: 'retry', delayMs: 200_000, maxTries: 20 });
    expect(planFailure(d, send, 'tool_error', true, 3)).toEqual({ type: 'retry', delayMs: 300_000, maxTries: 20 });
    expect(planFailure(d, send, 'tool_error', true, 19)).toEqual({ type: 'retry', delayMs: 300_000, maxTries: 20 });
  });

  it('retries immediately with a backoff of 0', () => {
    const d = withPolicy('tool_error', { action: 'retry', maxAttempts: 3, backoffMs: 0 });
    expect(planFailure(d, send, 'tool_error', true, 2)).toEqual({ type: 'retry', delayMs: 0, maxTries: 3 });
  });

  it('queues without retrying when the policy says queue', () => {
    expect(planFailure(def, send, 'timeout', true, 1)).toEqual({ type: 'queue', exhausted: false, maxTries: 1 });
  });

  it('hands off without retrying when the policy says hand_off', () => {
    expect(planFailure(def, send, 'missing_data', true, 1)).toEqual({ type: 'hand_off', to: 'tier2', exhausted: false, maxTries: 1 });
    expect(planFailure(def, send, 'missing_data', false, 1)).toEqual({ type: 'hand_off', to: 'tier2', exhausted: false, maxTries: 1 });
  });

  it('ignores maxAttempts on a hand_off policy', () => {
    const d = withPolicy('tool_error', { action: 'hand_off', handOffTo: 'tier2', maxAttempts: 5 });
    expect(planFailure(d, send, 'tool_error', true, 1)).toEqual({ type: 'hand_off', to: 'tier2', exhausted: false, maxTries: 1 });
  });

  it('hands off after the retries of a retry policy that names a hand-off, as exhausted', () => {
    expect(planFailure(def, send, 'invalid_output', true, 1)).toEqual({ type: 'retry', delayMs: 1000, maxTries: 3 });
    expect(planFailure(def, send, 'invalid_output', true, 2)).toEqual({ type: 'retry', delayMs: 2000, maxTries: 3 });
    expect(planFailure(def, send, 'invalid_output', true, 3)).toEqual({ type: 'hand_off', to: 'tier2', exhausted: true, maxTries: 3 });
  });

  it('hands off at once, not exhausted, when such a failure is not retryable', () => {
    expect(planFailure(def, send, 'invalid_output', false, 1)).toEqual({ type: 'hand_off', to: 'tier2', exhausted: false, maxTries: 1 });
  });

  it('queues (does not hand off) for a queue policy that also names a hand-off', () => {
    const d = withPolicy('timeout', { action: 'queue', handOffTo: 'tier2' });
    expect(planFailure(d, send, 'timeout', true, 1)).toEqual({ type: 'queue', exhausted: false, maxTries: 1 });
  });

  it('queues a hand_off policy that names no hand-off rather than handing off to nowhere', () => {
    const d = withPolicy('missing_data', { action: 'hand_off' });
    expect(planFailure(d, send, 'missing_data', false, 1)).toEqual({ type: 'queue', exhausted: false, maxTries: 1 });
  });

  it('stops retrying when the try number is already past the limit', () => {
    expect(planFailure(def, send, 'tool_error', true, 9)).toEqual({ type: 'queue', exhausted: true, maxTries: 5 });
  });

  // BUG (step-progress.ts line 27, against its doc comment on lines 20-23): the comment says
  // "a policy that says queue or hand_off for the reason means no automatic retry", but
  // `step.maxAttempts ?? (...)` wins first, so a step with maxAttempts (draft has 3) retries a
  // timeout the policy says to queue, and retries a hand_off reason before handing off.
  // Expected queue / hand_off at try 1; actual { type: 'retry', delayMs: 500, maxTries: 3 }.
  it('does not retry, even on a step with its own maxAttempts, when the policy says queue or hand_off', () => {
    expect(planFailure(def, draft, 'timeout', true, 1)).toEqual({ type: 'queue', exhausted: false, maxTries: 1 });
    expect(planFailure(def, draft, 'missing_data', true, 1)).toEqual({ type: 'hand_off', to: 'tier2', exhausted: false, maxTries: 1 });
  });
});

describe('nextStepAfter', () => {
  const def = fullDefinition();

  it('is the next step in definition order', () => {
    expect(nextStepAfter(def, 'classify')).toBe('draft');
    expect(nextStepAfter(def, 'route')).toBe('approve');
    expect(nextStepAfter(def, 'approve')).toBe('send');
  });

  it('is null after the last step and for an unknown step', () => {
    expect(nextStepAfter(def, 'send')).toBeNull();
    expect(nextStepAfter(def, 'nope')).toBeNull();
  });

  it('is null after a step marked end, although steps follow it', () => {
    const d = fullDefinition();
    stepIn(d, 'approve').end = true;
    expect(nextStepAfter(d, 'approve')).toBeNull();
    expect(nextStepAfter(d, 'route')).toBe('approve');
  });

  it('ignores end: false', () => {
    const d = fullDefinition();
    stepIn(d, 'approve').end = false;
    expect(nextStepAfter(d, 'approve')).toBe('send');
  });
});

describe('progressRun', () => {
  /** A running execute-mode run, currently at `stepId`, whose fencing token is 3. */
  function runAt(stepId: string, overrides: Partial<Run> = {}): Run {
    return makeRun({ mode: 'execute', status: 'running', startedAt: NOW, currentStepId: stepId, dispatchSeq: 3, ...overrides });
  }

  function progress(stepId: string, outcome: StepOutcome, options: Partial<StepProgressInput> = {}) {
    let n = 0;
    const newId = () => `id-${++n}`;
    const input: StepProgressInput = { run: runAt(stepId), definition: fullDefinition(), stepId, tryNo: 1, outcome, now: LATER, newId, ...options };
    const snapshot = structuredClone(input.run);
    const result = progressRun(input);
    expect(input.run, 'the input run is never mutated').toEqual(snapshot);
    return { ...result, idsMinted: n };
  }

  const succeeded = (output: JsonValue, goto?: string): StepOutcome =>
    goto === undefined ? { type: 'succeeded', output } : { type: 'succeeded', output, goto };
  const failed = (reason: ExceptionReason, retryable: boolean, message: string, details?: Record<string, string | number>): StepOutcome => ({
    type: 'failed',
    reason,
    retryable,
    message,
    ...(details ? { details } : {}),
  });

  it('throws when the step is not in the definition', () => {
    expect(() => progress('nope', succeeded(null))).toThrow('Invariant: step "nope" is not in the run\'s definition');
  });

  describe('a succeeded step', () => {
    it('advances to the next step and dispatches it with the new fencing token', () => {
      const r = progress('classify', succeeded({ label: 'refund' }));
      expect(r.run).toEqual({ ...runAt('classify'), currentStepId: 'draft', dispatchSeq: 4, updatedAt: LATER });
      expect(r.events).toEqual([{ type: 'run.advanced', subjectType: 'run', subjectId: 'run-1', data: { workflowId: 'wf-1', from: 'classify', stepId: 'draft' } }]);
      expect(r.next).toStrictEqual({ dispatch: { runId: 'run-1', stepId: 'draft', cause: 'advanced', seq: 4 }, availableAt: LATER });
      expect(r).toMatchObject({ approval: null, exception: null, deadLetterReason: null, idsMinted: 0 });
    });

    it('follows a route’s goto instead of the next step in order', () => {
      const r = progress('route', succeeded({ goto: 'send', value: 'other' }, 'send'));
      expect(r.run).toMatchObject({ status: 'running', currentStepId: 'send', dispatchSeq: 4 });
      expect(r.next?.dispatch).toEqual({ runId: 'run-1', stepId: 'send', cause: 'advanced', seq: 4 });
      expect(r.events[0]!.data).toEqual({ workflowId: 'wf-1', from: 'route', stepId: 'send' });
    });

    it('completes the run with the output after the last step', () => {
      const r = progress('send', succeeded({ sent: true }));
      expect(r.run).toEqual({ ...runAt('send'), status: 'completed', output: { sent: true }, finishedAt: LATER, updatedAt: LATER });
      expect(r.run.dispatchSeq).toBe(3);
      expect(r.events).toEqual([{ type: 'run.completed', subjectType: 'run', subjectId: 'run-1', data: { workflowId: 'wf-1' } }]);
      expect(r).toMatchObject({ next: null, approval: null, exception: null, deadLetterReason: null });
    });

    it('completes the run after a step marked end, although steps follow it', () => {
      const def = fullDefinition();
      stepIn(def, 'approve').end = true;
      const r = progress('approve', succeeded({ reply: 'ok' }), { definition: def });
      expect(r.run).toMatchObject({ status: 'completed', output: { reply: 'ok' }, currentStepId: 'approve', finishedAt: LATER });
      expect(r.next).toBeNull();
    });

    it('starts a queued run first (run.started), then advances', () => {
      const queued = runAt('classify', { status: 'queued', startedAt: null, dispatchSeq: 1 });
      const r = progress('classify', succeeded({ label: 'x' }), { run: queued });
      expect(r.events.map((e) => e.type)).toEqual(['run.started', 'run.advanced']);
      expect(r.events[0]).toEqual({ type: 'run.started', subjectType: 'run', subjectId: 'run-1', data: { workflowId: 'wf-1', stepId: 'classify' } });
      expect(r.run).toMatchObject({ status: 'running', startedAt: LATER, currentStepId: 'draft', dispatchSeq: 2 });
      expect(r.next?.dispatch.seq).toBe(2);
    });

    it('resumes a queued run that had started before (run.resumed), keeping its startedAt', () => {
      const requeued = runAt('approve', { status: 'queued', startedAt: NOW, dispatchSeq: 6 });
      const r = progress('approve', succeeded({ reply: 'ok' }), { run: requeued });
      expect(r.events.map((e) => e.type)).toEqual(['run.resumed', 'run.advanced']);
      expect(r.events[0]!.data).toEqual({ workflowId: 'wf-1', stepId: 'approve' });
      expect(r.run).toMatchObject({ status: 'running', startedAt: NOW, currentStepId: 'send', dispatchSeq: 7 });
    });

    it('starts and completes a queued single-step run in one go', () => {
      const r = progress('only', succeeded({ label: 'x' }), { definition: bareDefinition(), run: runAt('only', { status: 'queued', startedAt: null, dispatchSeq: 1 }) });
      expect(r.events.map((e) => e.type)).toEqual(['run.started', 'run.completed']);
      expect(r.run).toMatchObject({ status: 'completed', startedAt: LATER, finishedAt: LATER, output: { label: 'x' }, dispatchSeq: 1 });
      expect(r.next).toBeNull();
    });
  });

  describe('a gate', () => {
    const gate: StepOutcome = { type: 'gate', proposed: { reply: 'draft text' }, actionName: 'send_reply', actionClass: 'customer_impacting' };

    it('opens an approval and parks the run waiting for it, without a dispatch', () => {
      const r = progress('send', gate);
      expect(r.approval).toEqual({
        id: 'id-1',
        runId: 'run-1',
        workflowId: 'wf-1',
        stepId: 'send',
        actionName: 'send_reply',
        actionClass: 'customer_impacting',
        requiredRole: 'reviewer',
        requiredApprovals: 1,
        status: 'pending',
        decision: null,
        proposed: { reply: 'draft text' },
        edited: null,
        diff: null,
        requestedBy: actors.integrator.id,
        decidedBy: null,
        reason: null,
        dueAt: at(60 * MINUTE),
        createdAt: LATER,
        decidedAt: null,
      });
      expect(r.run).toEqual({ ...runAt('send'), status: 'waiting_approval', updatedAt: LATER });
      expect(r.run.dispatchSeq).toBe(3);
      expect(r.events).toEqual([
        {
          type: 'approval.requested',
          subjectType: 'approval',
          subjectId: 'id-1',
          data: { runId: 'run-1', workflowId: 'wf-1', stepId: 'send', actionName: 'send_reply', actionClass: 'customer_impacting', requiredRole: 'reviewer' },
        },
        { type: 'run.waiting_approval', subjectType: 'run', subjectId: 'run-1', data: { workflowId: 'wf-1', stepId: 'send', approvalId: 'id-1' } },
      ]);
      expect(r).toMatchObject({ next: null, exception: null, deadLetterReason: null, idsMinted: 1 });
    });

    it('asks for whoever started the run as requester, so they cannot approve it themselves', () => {
      const r = progress('send', gate, { run: runAt('send', { createdBy: 'k-other-key' }) });
      expect(r.approval?.requestedBy).toBe('k-other-key');
    });

    it('uses the policy’s approver role for an action gate', () => {
      const def = fullDefinition();
      def.approvalPolicy!.approverRole = 'owner';
      const r = progress('send', gate, { definition: def });
      expect(r.approval?.requiredRole).toBe('owner');
      expect(r.events[0]!.data.requiredRole).toBe('owner');
    });

    it('uses the approval step’s own role over the policy’s', () => {
      const def = fullDefinition();
      def.approvalPolicy!.approverRole = 'admin';
      const r = progress('approve', { type: 'gate', proposed: 'text', actionName: null, actionClass: 'draft' }, { definition: def });
      expect(r.approval).toMatchObject({ requiredRole: 'reviewer', stepId: 'approve', actionName: null, actionClass: 'draft', proposed: 'text' });
    });

    it('falls back to a reviewer, with no due date, without policy role or SLAs', () => {
      const def = fullDefinition();
      delete def.approvalPolicy;
      delete def.slas;
      const r = progress('send', gate, { definition: def });
      expect(r.approval).toMatchObject({ requiredRole: 'reviewer', dueAt: null });
    });

    it('starts a queued run before gating it', () => {
      const r = progress('approve', { type: 'gate', proposed: null, actionName: null, actionClass: 'draft' }, { run: runAt('approve', { status: 'queued', startedAt: null }) });
      expect(r.events.map((e) => e.type)).toEqual(['run.started', 'approval.requested', 'run.waiting_approval']);
      expect(r.run).toMatchObject({ status: 'waiting_approval', startedAt: LATER, dispatchSeq: 3 });
    });
  });

  describe('a failure that is retried', () => {
    it('requeues the run and dispatches the same step later, with the next try and a new token', () => {
      const r = progress('send', failed('tool_error', true, 'webhook returned 503'), { tryNo: 2 });
      expect(r.run).toEqual({ ...runAt('send'), status: 'queued', dispatchSeq: 4, updatedAt: LATER });
      expect(r.events).toEqual([{ type: 'run.requeued', subjectType: 'run', subjectId: 'run-1', data: { workflowId: 'wf-1', cause: 'retry', stepId: 'send' } }]);
      // tool_error backoff 2000 ms, try 2 → 2000 × 2.
      expect(r.next).toStrictEqual({ dispatch: { runId: 'run-1', stepId: 'send', cause: 'retry', seq: 4, try: 3 }, availableAt: at(4000) });
      expect(r).toMatchObject({ approval: null, exception: null, deadLetterReason: null, idsMinted: 0 });
    });

    it('waits the base backoff after the first try', () => {
      const r = progress('send', failed('tool_error', true, 'boom'), { tryNo: 1 });
      expect(r.next).toEqual({ dispatch: { runId: 'run-1', stepId: 'send', cause: 'retry', seq: 4, try: 2 }, availableAt: at(2000) });
    });

    it('waits at most 5 minutes', () => {
      const def = withPolicy('tool_error', { action: 'retry', maxAttempts: 10, backoffMs: 60_000 });
      // 60 000 × 2^(4-1) = 480 000 → capped at 300 000.
      const r = progress('send', failed('tool_error', true, 'boom'), { definition: def, tryNo: 4 });
      expect(r.next?.availableAt).toEqual(at(300_000));
      expect(r.next?.dispatch.try).toBe(5);
    });

    it('starts a queued run before requeuing it', () => {
      const r = progress('send', failed('model_error', true, 'rate limited'), { run: runAt('send', { status: 'queued', startedAt: null, dispatchSeq: 1 }) });
      expect(r.events.map((e) => e.type)).toEqual(['run.started', 'run.requeued']);
      expect(r.run).toMatchObject({ status: 'queued', startedAt: LATER, dispatchSeq: 2 });
      expect(r.next).toEqual({ dispatch: { runId: 'run-1', stepId: 'send', cause: 'retry', seq: 2, try: 2 }, availableAt: at(500) });
    });
  });

  describe('a failure that goes to the exception queue', () => {
    it('opens an exception with the message, tries and details, and parks the run', () => {
      const r = progress('draft', failed('low_confidence', false, 'Confidence 0.4 is below the threshold 0.7.', { confidence: 0.4, threshold: 0.7 }));
      expect(r.exception).toEqual({
        id: 'id-1',
        runId: 'run-1',
        workflowId: 'wf-1',
        stepId: 'draft',
        reason: 'low_confidence',
        status: 'open',
        details: { message: 'Confidence 0.4 is below the threshold 0.7.', tries: 1, confidence: 0.4, threshold: 0.7 },
        assigneeId: null,
        claimedAt: null,
        dueAt: at(240 * MINUTE),
        resolution: null,
        resolutionNote: null,
        resolutionOutput: null,
        handOffTo: null,
        resolvedBy: null,
        resolvedAt: null,
        createdAt: LATER,
      });
      expect(r.run).toEqual({ ...runAt('draft'), status: 'in_exception', updatedAt: LATER });
      expect(r.run.dispatchSeq).toBe(3);
      expect(r.events).toEqual([
        { type: 'exception.created', subjectType: 'exception', subjectId: 'id-1', data: { runId: 'run-1', workflowId: 'wf-1', stepId: 'draft', reason: 'low_confidence' } },
        { type: 'run.exception_raised', subjectType: 'run', subjectId: 'run-1', data: { workflowId: 'wf-1', stepId: 'draft', reason: 'low_confidence', exceptionId: 'id-1' } },
      ]);
      expect(r).toMatchObject({ next: null, approval: null, deadLetterReason: null, idsMinted: 1 });
    });

    it('records only message and tries when the outcome has no details, and no due date without SLAs', () => {
      const def = fullDefinition();
      delete def.slas;
      const r = progress('send', failed('policy_blocked', false, '"x" is not allowed.'), { definition: def });
      expect(r.exception).toMatchObject({ reason: 'policy_blocked', details: { message: '"x" is not allowed.', tries: 1 }, dueAt: null });
      expect(Object.keys(r.exception!.details)).toEqual(['message', 'tries']);
    });

    it('dead-letters only when automatic retries were exhausted, with the reason, tries and message', () => {
      const r = progress('send', failed('tool_error', true, 'webhook returned 500'), { tryNo: 5 });
      expect(r.run.status).toBe('in_exception');
      expect(r.exception).toMatchObject({ reason: 'tool_error', details: { message: 'webhook returned 500', tries: 5 } });
      expect(r.deadLetterReason).toBe('tool_error after 5 tries: webhook returned 500');
      expect(r.next).toBeNull();
    });

    it('does not dead-letter a failure that was never retried', () => {
      expect(progress('send', failed('timeout', true, 'took too long')).deadLetterReason).toBeNull();
      expect(progress('send', failed('tool_error', false, '400 bad request')).deadLetterReason).toBeNull();
    });

    it('starts a queued run before raising the exception', () => {
      const r = progress('check', failed('low_confidence', false, 'low'), { run: runAt('check', { status: 'queued', startedAt: NOW }) });
      expect(r.events.map((e) => e.type)).toEqual(['run.resumed', 'exception.created', 'run.exception_raised']);
      expect(r.run).toMatchObject({ status: 'in_exception', startedAt: NOW });
    });
  });

  describe('a failure the policy hands off', () => {
    it('records the exception as resolved by hand-off and hands the run off', () => {
      const r = progress('classify', failed('missing_data', false, 'Input is missing /message.', { field: '/message' }));
      expect(r.exception).toEqual({
        id: 'id-1',
        runId: 'run-1',
        workflowId: 'wf-1',
        stepId: 'classify',
        reason: 'missing_data',
        status: 'resolved',
        details: { message: 'Input is missing /message.', tries: 1, field: '/message' },
        assigneeId: null,
        claimedAt: null,
        dueAt: at(240 * MINUTE),
        resolution: 'hand_off',
        resolutionNote: 'exception policy',
        resolutionOutput: null,
        handOffTo: 'tier2',
        resolvedBy: null,
        resolvedAt: LATER,
        createdAt: LATER,
      });
      expect(r.run).toEqual({ ...runAt('classify'), status: 'handed_off', finishedAt: LATER, updatedAt: LATER });
      expect(r.run.dispatchSeq).toBe(3);
      expect(r.events).toEqual([
        { type: 'exception.created', subjectType: 'exception', subjectId: 'id-1', data: { runId: 'run-1', workflowId: 'wf-1', stepId: 'classify', reason: 'missing_data' } },
        { type: 'run.exception_raised', subjectType: 'run', subjectId: 'run-1', data: { workflowId: 'wf-1', stepId: 'classify', reason: 'missing_data', exceptionId: 'id-1' } },
        { type: 'exception.handed_off', subjectType: 'exception', subjectId: 'id-1', data: { runId: 'run-1', workflowId: 'wf-1', to: 'tier2', by: 'exception_policy' } },
        { type: 'run.handed_off', subjectType: 'run', subjectId: 'run-1', data: { workflowId: 'wf-1', to: 'tier2' } },
      ]);
      expect(r).toMatchObject({ next: null, approval: null, deadLetterReason: null, idsMinted: 1 });
    });

    it('hands off after exhausted retries and dead-letters the dispatch too', () => {
      const r = progress('check', failed('invalid_output', true, 'reply missing'), { tryNo: 3 });
      expect(r.run.status).toBe('handed_off');
      expect(r.exception).toMatchObject({ status: 'resolved', resolution: 'hand_off', handOffTo: 'tier2', details: { tries: 3 } });
      expect(r.deadLetterReason).toBe('invalid_output after 3 tries: reply missing');
    });

    it('retries first when a retry policy names a hand-off and tries remain', () => {
      const r = progress('check', failed('invalid_output', true, 'reply missing'), { tryNo: 2 });
      expect(r.run).toMatchObject({ status: 'queued', dispatchSeq: 4 });
      expect(r.next).toEqual({ dispatch: { runId: 'run-1', stepId: 'check', cause: 'retry', seq: 4, try: 3 }, availableAt: at(2000) });
      expect(r.exception).toBeNull();
    });
  });
});

describe('attemptStatusFor', () => {
  it('maps outcomes to attempt statuses', () => {
    expect(attemptStatusFor({ type: 'succeeded', output: 1 })).toBe('succeeded');
    expect(attemptStatusFor({ type: 'gate', proposed: 1, actionName: null, actionClass: 'draft' })).toBe('gated');
    expect(attemptStatusFor({ type: 'failed', reason: 'timeout', retryable: true, message: 'slow' })).toBe('failed');
  });
});

describe('progressRun: action audit events', () => {
  const run = makeRun({ status: 'running', startedAt: NOW, currentStepId: 'send', mode: 'execute' });
  const base = { run, definition: fullDefinition(), stepId: 'send', tryNo: 1, now: LATER, newId: () => 'id-1' };
  const types = (input: Omit<StepProgressInput, 'run' | 'definition' | 'stepId' | 'tryNo' | 'now' | 'newId'>) =>
    progressRun({ ...base, ...input }).events.map((e) => [e.type, e.data.idempotencyKey ?? e.data.args ?? e.data.why ?? null]);

  it('records a sent action with its idempotency key, before the run completes', () => {
    expect(types({ outcome: { type: 'succeeded', output: { delivered: true } }, effectKey: 'k-1' })).toEqual([
      ['action.executed', 'k-1'],
      ['run.completed', null],
    ]);
  });

  it('records a shadow action with its arguments, and a draft-only one', () => {
    expect(types({ outcome: { type: 'succeeded', output: { executed: false, wouldHaveExecuted: { args: { a: 1 } } } } })[0]).toEqual(['action.would_have_executed', { a: 1 }]);
    expect(types({ outcome: { type: 'succeeded', output: { executed: false, draftOnly: { args: { b: 2 } } } } })[0]).toEqual(['action.drafted', { b: 2 }]);
  });

  it('records a blocked action with why, and nothing for an override that sent nothing', () => {
    expect(types({ outcome: { type: 'failed', reason: 'policy_blocked', retryable: false, message: 'not allowed' } })[0]).toEqual(['action.blocked', 'not allowed']);
    expect(types({ outcome: { type: 'succeeded', output: { corrected: true } } })).toEqual([['run.completed', null]]);
  });

  it('emits no action event for other step kinds', () => {
    const classify = { ...base, run: { ...run, currentStepId: 'classify' }, stepId: 'classify' };
    expect(progressRun({ ...classify, outcome: { type: 'succeeded', output: {} }, effectKey: 'k' }).events.map((e) => e.type)).toEqual(['run.advanced']);
  });
});

describe('isAuditedEvent', () => {
  it('leaves step advances to the trace and audits the rest', () => {
    expect(isAuditedEvent({ type: 'run.advanced', subjectType: 'run', subjectId: 'r', data: {} })).toBe(false);
    expect(isAuditedEvent({ type: 'run.completed', subjectType: 'run', subjectId: 'r', data: {} })).toBe(true);
  });
});
