import { describe, expect, it } from 'vitest';
import type { Approval } from './approval.js';
import type { JsonValue } from './json-schema.js';
import type { RunMode } from './run.js';
import { checkConfidence, confidenceThreshold, planStep, type StepContext, type StepPlan } from './step-evaluation.js';
import { ACTION_CLASSES, type ActionClass, type ActionStep, type StepDefinition, type WorkflowDefinition } from './workflow-definition.js';
import { fullDefinition, makeApproval } from './test/fixtures.js';

/*
 * fullDefinition() steps, in order: classify (rules), draft (agent, minConfidence 0.7),
 * check (validate draft, minConfidence 0.5), route (on classify /label: refund → approve, else
 * send), approve (approval, reviewer), send (action send_reply, customer_impacting, argsFrom draft).
 * Boundary: send_reply may_execute, never issue_refund. Policy: approval for irreversible and
 * customer_impacting, minConfidence 0.6.
 */

const INPUT = { message: 'I want a refund', customerId: 'c-1' };
const DRAFT = { reply: 'Your refund is on its way.', confidence: 0.8 };

interface CtxOptions {
  definition?: WorkflowDefinition;
  mode?: RunMode;
  input?: JsonValue;
  outputs?: Record<string, JsonValue>;
  grant?: Approval | null;
}

function stepIn(definition: WorkflowDefinition, id: string): StepDefinition {
  const step = definition.steps.find((s) => s.id === id);
  if (!step) throw new Error(`test setup: no step ${id}`);
  return step;
}

function ctx(stepId: string, options: CtxOptions = {}): StepContext {
  const definition = options.definition ?? fullDefinition();
  return {
    definition,
    run: { id: 'run-1', mode: options.mode ?? 'execute', input: options.input ?? INPUT },
    step: stepIn(definition, stepId),
    outputs: options.outputs ?? {},
    grant: options.grant ?? null,
  };
}

/** An approved grant for the send step; `edited` set means edit_and_approve. */
function grant(proposed: JsonValue, edited: JsonValue | null = null): Approval {
  return {
    ...makeApproval({ stepId: 'send', proposed }),
    status: 'approved',
    decision: edited === null ? 'approve' : 'edit_and_approve',
    edited,
    decidedBy: 'u-reviewer',
  };
}

/** fullDefinition with the send step and its boundary entry rewritten. */
function actionDefinition(step: Partial<ActionStep> = {}, allowed: { actionClass?: ActionClass; mode?: 'draft_only' | 'may_execute' } = {}, requireApprovalFor?: ActionClass[]): WorkflowDefinition {
  const def = fullDefinition();
  const send = stepIn(def, 'send') as ActionStep;
  Object.assign(send, step);
  const entry = def.boundary!.allowedActions[0]!;
  entry.actionClass = allowed.actionClass ?? send.actionClass;
  entry.mode = allowed.mode ?? 'may_execute';
  if (requireApprovalFor) def.approvalPolicy!.requireApprovalFor = requireApprovalFor;
  return def;
}

const done = (plan: StepPlan) => {
  if (plan.type !== 'done') throw new Error(`expected a done plan, got ${plan.type}`);
  return plan.outcome;
};

describe('planStep: rules', () => {
  it('succeeds with the classification and its confidence', () => {
    expect(planStep(ctx('classify'))).toEqual({
      type: 'done',
      outcome: {
        type: 'succeeded',
        output: { label: 'refund', confidence: 0.9, matched: 'refund|money back', draft: 'About your refund: I want a refund' },
        confidence: 0.9,
      },
    });
  });

  it('fails with missing_data, not retryable, when the input field is absent', () => {
    expect(planStep(ctx('classify', { input: { customerId: 'c-1' } }))).toEqual({
      type: 'done',
      outcome: { type: 'failed', reason: 'missing_data', retryable: false, message: 'Input is missing /message.', details: { missing: ['/message'] } },
    });
  });

  it('lists every piece of data the template lacks', () => {
    const def = fullDefinition();
    (stepIn(def, 'classify') as { template?: string }).template = '{{input.name}} {{input.orderId}}';
    expect(done(planStep(ctx('classify', { definition: def })))).toEqual({
      type: 'failed',
      reason: 'missing_data',
      retryable: false,
      message: 'Input is missing input.name, input.orderId.',
      details: { missing: ['input.name', 'input.orderId'] },
    });
  });
});

describe('planStep: agent', () => {
  it('asks for a model call with the run input and a copy of the earlier outputs', () => {
    const outputs = { classify: { label: 'refund' } };
    const c = ctx('draft', { outputs });
    const plan = planStep(c);
    expect(plan).toEqual({ type: 'call_agent', step: c.step, scope: { input: INPUT, steps: { classify: { label: 'refund' } } } });
    if (plan.type !== 'call_agent') throw new Error('unreachable');
    expect(plan.step).toBe(c.step);
    expect(plan.scope.steps).not.toBe(outputs);
  });
});

describe('planStep: validate', () => {
  it('succeeds with the source output, its confidence and the threshold that applied', () => {
    expect(planStep(ctx('check', { outputs: { draft: DRAFT } }))).toEqual({
      type: 'done',
      outcome: { type: 'succeeded', output: DRAFT, confidence: 0.8, validation: { valid: true, source: 'draft', confidence: 0.8, threshold: 0.5 } },
    });
  });

  it('fails with missing_data when the source step has no output', () => {
    expect(done(planStep(ctx('check', { outputs: { classify: { label: 'x' } } })))).toEqual({
      type: 'failed',
      reason: 'missing_data',
      retryable: false,
      message: 'There is no output of "draft" to validate.',
      details: { source: 'draft' },
    });
  });

  it('validates a present null output rather than calling it missing', () => {
    expect(done(planStep(ctx('check', { outputs: { draft: null } })))).toMatchObject({
      type: 'failed',
      reason: 'invalid_output',
      message: 'The output of "draft" does not match the schema: / must be object',
    });
  });

  it('fails with invalid_output and every schema issue', () => {
    const def = fullDefinition();
    (stepIn(def, 'check') as { schema: object }).schema = {
      type: 'object',
      required: ['reply', 'lang'],
      properties: { reply: { type: 'string' }, lang: { type: 'string' } },
    };
    expect(done(planStep(ctx('check', { definition: def, outputs: { draft: { reply: 42, confidence: 0.9 } } })))).toEqual({
      type: 'failed',
      reason: 'invalid_output',
      retryable: false,
      message: `The output of "draft" does not match the schema: /lang must have required property 'lang'; /reply must be string`,
      details: {
        source: 'draft',
        issues: [
          { path: '/lang', message: "must have required property 'lang'" },
          { path: '/reply', message: 'must be string' },
        ],
      },
    });
  });

  it('checks the schema before the confidence', () => {
    expect(done(planStep(ctx('check', { outputs: { draft: { confidence: 0.1 } } })))).toMatchObject({ type: 'failed', reason: 'invalid_output' });
  });

  it('fails with low_confidence below the step threshold', () => {
    expect(done(planStep(ctx('check', { outputs: { draft: { reply: 'x', confidence: 0.4 } } })))).toEqual({
      type: 'failed',
      reason: 'low_confidence',
      retryable: false,
      message: 'Confidence 0.4 is below the threshold 0.5.',
      details: { confidence: 0.4, threshold: 0.5 },
    });
  });

  it('passes a confidence exactly at the threshold', () => {
    expect(done(planStep(ctx('check', { outputs: { draft: { reply: 'x', confidence: 0.5 } } })))).toMatchObject({ type: 'succeeded', confidence: 0.5 });
  });

  it('fails with low_confidence when the output reports no confidence', () => {
    expect(done(planStep(ctx('check', { outputs: { draft: { reply: 'x' } } })))).toEqual({
      type: 'failed',
      reason: 'low_confidence',
      retryable: false,
      message: 'Step "check" reported no confidence; at least 0.5 is required.',
      details: { confidence: null, threshold: 0.5 },
    });
  });

  it('uses the step threshold over the policy’s, in both directions', () => {
    // step 0.5 < policy 0.6: 0.55 passes although the policy alone would refuse it.
    expect(done(planStep(ctx('check', { outputs: { draft: { reply: 'x', confidence: 0.55 } } })))).toMatchObject({ type: 'succeeded', validation: { threshold: 0.5 } });
    // step 0.9 > policy 0.6: 0.7 fails although the policy alone would accept it.
    const strict = fullDefinition();
    (stepIn(strict, 'check') as { minConfidence?: number }).minConfidence = 0.9;
    expect(done(planStep(ctx('check', { definition: strict, outputs: { draft: { reply: 'x', confidence: 0.7 } } })))).toMatchObject({
      reason: 'low_confidence',
      details: { confidence: 0.7, threshold: 0.9 },
    });
  });

  it('falls back to the policy threshold when the step has none', () => {
    const def = fullDefinition();
    delete (stepIn(def, 'check') as { minConfidence?: number }).minConfidence;
    expect(done(planStep(ctx('check', { definition: def, outputs: { draft: { reply: 'x', confidence: 0.55 } } })))).toMatchObject({
      reason: 'low_confidence',
      message: 'Confidence 0.55 is below the threshold 0.6.',
    });
  });

  it('skips the confidence check when neither step nor policy sets a threshold', () => {
    const def = fullDefinition();
    delete (stepIn(def, 'check') as { minConfidence?: number }).minConfidence;
    delete def.approvalPolicy;
    expect(done(planStep(ctx('check', { definition: def, outputs: { draft: { reply: 'x' } } })))).toEqual({
      type: 'succeeded',
      output: { reply: 'x' },
      confidence: null,
      validation: { valid: true, source: 'draft', confidence: null, threshold: null },
    });
  });

  describe('without a source', () => {
    const def = (): WorkflowDefinition => ({
      inputSchema: { type: 'object' },
      steps: [
        { id: 'first', kind: 'validate', schema: { type: 'object', required: ['message'] } },
        { id: 'second', kind: 'validate', schema: { type: 'object', required: ['reply'] } },
      ],
    });

    it('validates the run input when it is the first step', () => {
      expect(done(planStep(ctx('first', { definition: def() })))).toEqual({
        type: 'succeeded',
        output: INPUT,
        confidence: null,
        validation: { valid: true, source: 'input', confidence: null, threshold: null },
      });
      expect(done(planStep(ctx('first', { definition: def(), input: { other: 1 } })))).toMatchObject({
        reason: 'invalid_output',
        message: `The output of "input" does not match the schema: /message must have required property 'message'`,
      });
    });

    it('validates the previous step’s output otherwise, not the input', () => {
      expect(done(planStep(ctx('second', { definition: def(), outputs: { first: { reply: 'r' } } })))).toMatchObject({ type: 'succeeded', output: { reply: 'r' }, validation: { source: 'first' } });
      expect(done(planStep(ctx('second', { definition: def() })))).toMatchObject({ reason: 'missing_data', details: { source: 'first' } });
    });
  });
});

describe('checkConfidence', () => {
  const def = fullDefinition(); // policy minConfidence 0.6

  it('lets a result at or above the threshold go on', () => {
    expect(checkConfidence(def, { id: 's' }, { confidence: 0.6 })).toBeNull();
    expect(checkConfidence(def, { id: 's' }, { confidence: 1 })).toBeNull();
  });

  it('fails a result below the threshold with the exact numbers', () => {
    expect(checkConfidence(def, { id: 's' }, { confidence: 0.59 })).toEqual({
      type: 'failed',
      reason: 'low_confidence',
      retryable: false,
      message: 'Confidence 0.59 is below the threshold 0.6.',
      details: { confidence: 0.59, threshold: 0.6 },
    });
  });

  it.each([
    ['a confidence above 1', { confidence: 1.2 }],
    ['a negative confidence', { confidence: -0.1 }],
    ['a confidence given as text', { confidence: '0.9' }],
    ['no confidence key', { reply: 'x' }],
    ['a string output', 'just text'],
    ['an array output', [{ confidence: 0.9 }]],
    ['a null output', null],
  ] as const)('treats %s as no confidence', (_what, output) => {
    expect(checkConfidence(def, { id: 'draft' }, output as JsonValue)).toEqual({
      type: 'failed',
      reason: 'low_confidence',
      retryable: false,
      message: 'Step "draft" reported no confidence; at least 0.6 is required.',
      details: { confidence: null, threshold: 0.6 },
    });
  });

  it('uses the step’s minConfidence before the policy’s', () => {
    expect(checkConfidence(def, { id: 's', minConfidence: 0.3 }, { confidence: 0.35 })).toBeNull();
    expect(checkConfidence(def, { id: 's', minConfidence: 0.95 }, { confidence: 0.9 })).toMatchObject({ details: { confidence: 0.9, threshold: 0.95 } });
  });

  it('accepts anything, even no confidence, when there is no threshold', () => {
    const bare: WorkflowDefinition = { inputSchema: {}, steps: [] };
    expect(checkConfidence(bare, { id: 's' }, 'no confidence here')).toBeNull();
    expect(checkConfidence(bare, { id: 's' }, { confidence: 0 })).toBeNull();
  });

  it('treats a threshold of 0 as set: 0 passes, a missing confidence does not', () => {
    expect(checkConfidence(def, { id: 's', minConfidence: 0 }, { confidence: 0 })).toBeNull();
    expect(checkConfidence(def, { id: 's', minConfidence: 0 }, {})).toMatchObject({ reason: 'low_confidence', details: { confidence: null, threshold: 0 } });
  });
});

describe('confidenceThreshold', () => {
  it('is the step’s, else the policy’s, else null', () => {
    const def = fullDefinition();
    expect(confidenceThreshold(def, { minConfidence: 0.8 })).toBe(0.8);
    expect(confidenceThreshold(def, {})).toBe(0.6);
    expect(confidenceThreshold({ inputSchema: {}, steps: [] }, {})).toBeNull();
  });

  it('keeps a step threshold of 0 instead of falling back to the policy', () => {
    expect(confidenceThreshold(fullDefinition(), { minConfidence: 0 })).toBe(0);
  });
});

describe('planStep: action', () => {
  const outputs = { classify: { label: 'refund' }, draft: DRAFT, approve: { reply: 'approved text' } };
  const record = (args: JsonValue, actionClass: ActionClass = 'customer_impacting') => ({ action: 'send_reply', actionClass, args });

  describe('the boundary', () => {
    it.each(['shadow', 'draft', 'execute'] as const)('blocks an action on the never-do list (%s mode)', (mode) => {
      const def = actionDefinition({ action: 'issue_refund' });
      expect(planStep(ctx('send', { definition: def, mode, outputs }))).toEqual({
        type: 'done',
        outcome: { type: 'failed', reason: 'policy_blocked', retryable: false, message: '"issue_refund" is on the workflow\'s never-do list.', details: { action: 'issue_refund' } },
      });
    });

    it('blocks a never-do action even with a grant', () => {
      const def = actionDefinition({ action: 'issue_refund' });
      expect(done(planStep(ctx('send', { definition: def, outputs, grant: grant(DRAFT) })))).toMatchObject({ type: 'failed', reason: 'policy_blocked' });
    });

    it.each(['shadow', 'draft', 'execute'] as const)('blocks an action that is not on the allowed list (%s mode)', (mode) => {
      const def = actionDefinition({ action: 'delete_account' });
      expect(done(planStep(ctx('send', { definition: def, mode, outputs })))).toEqual({
        type: 'failed',
        reason: 'policy_blocked',
        retryable: false,
        message: '"delete_account" is not among the workflow\'s allowed actions.',
        details: { action: 'delete_account' },
      });
    });

    it('blocks every action when the definition has no boundary', () => {
      const def = fullDefinition();
      delete def.boundary;
      expect(done(planStep(ctx('send', { definition: def, outputs })))).toMatchObject({ reason: 'policy_blocked', message: '"send_reply" is not among the workflow\'s allowed actions.' });
    });
  });

  describe('shadow mode', () => {
    it('records what would have been sent and never sends', () => {
      expect(planStep(ctx('send', { mode: 'shadow', outputs }))).toStrictEqual({
        type: 'done',
        outcome: { type: 'succeeded', output: { executed: false, wouldHaveExecuted: record(DRAFT) } },
      });
    });

    it.each(ACTION_CLASSES)('does not gate a %s action', (actionClass) => {
      const def = actionDefinition({ actionClass }, {}, [...ACTION_CLASSES]);
      expect(done(planStep(ctx('send', { definition: def, mode: 'shadow', outputs })))).toEqual({
        type: 'succeeded',
        output: { executed: false, wouldHaveExecuted: record(DRAFT, actionClass) },
      });
    });
  });

  describe('draft mode', () => {
    it.each(ACTION_CLASSES)('gates a %s action until a grant, even when the policy names no class', (actionClass) => {
      const def = actionDefinition({ actionClass }, {}, []);
      expect(planStep(ctx('send', { definition: def, mode: 'draft', outputs }))).toEqual({
        type: 'done',
        outcome: { type: 'gate', proposed: DRAFT, actionName: 'send_reply', actionClass },
      });
    });

    it('gates even without an approval policy', () => {
      const def = actionDefinition({ actionClass: 'read' });
      delete def.approvalPolicy;
      expect(done(planStep(ctx('send', { definition: def, mode: 'draft', outputs }))).type).toBe('gate');
    });

    it('sends after a grant, with the approved proposal', () => {
      const c = ctx('send', { mode: 'draft', outputs, grant: grant(DRAFT) });
      expect(planStep(c)).toEqual({ type: 'send_action', step: c.step, args: DRAFT });
    });
  });

  describe('execute mode', () => {
    const required: ActionClass[] = ['irreversible', 'customer_impacting'];

    it.each(ACTION_CLASSES.map((c) => [c, required.includes(c)] as const))('%s → gated: %s', (actionClass, gated) => {
      const def = actionDefinition({ actionClass }, {}, required);
      const c = ctx('send', { definition: def, mode: 'execute', outputs });
      expect(planStep(c)).toEqual(
        gated
          ? { type: 'done', outcome: { type: 'gate', proposed: DRAFT, actionName: 'send_reply', actionClass } }
          : { type: 'send_action', step: c.step, args: DRAFT },
      );
    });

    it('gates when the boundary declares a gated class even if the step understates it', () => {
      const def = actionDefinition({ actionClass: 'read' }, { actionClass: 'customer_impacting' }, required);
      expect(done(planStep(ctx('send', { definition: def, mode: 'execute', outputs })))).toMatchObject({ type: 'gate' });
    });

    it('sends every class without asking when there is no approval policy', () => {
      for (const actionClass of ACTION_CLASSES) {
        const def = actionDefinition({ actionClass });
        delete def.approvalPolicy;
        expect(planStep(ctx('send', { definition: def, outputs })).type, actionClass).toBe('send_action');
      }
    });

    it('sends a gated class once granted', () => {
      const c = ctx('send', { outputs, grant: grant(DRAFT) });
      expect(planStep(c)).toEqual({ type: 'send_action', step: c.step, args: DRAFT });
    });
  });

  describe('a grant', () => {
    it('sends the edited version when the reviewer edited the proposal', () => {
      const edited = { reply: 'Corrected wording.', confidence: 0.8 };
      const c = ctx('send', { outputs, grant: grant(DRAFT, edited) });
      expect(planStep(c)).toEqual({ type: 'send_action', step: c.step, args: edited });
    });

    it('sends null when the reviewer edited the proposal to null', () => {
      const c = ctx('send', { outputs, grant: { ...grant(DRAFT, { x: 1 }), edited: null } });
      expect(planStep(c)).toEqual({ type: 'send_action', step: c.step, args: null });
    });

    it('sends the granted proposal, not the current source output', () => {
      const approved = { reply: 'What the reviewer saw.' };
      const c = ctx('send', { outputs: { ...outputs, draft: { reply: 'changed since' } }, grant: grant(approved) });
      expect(planStep(c)).toEqual({ type: 'send_action', step: c.step, args: approved });
    });
  });

  describe('a draft_only action', () => {
    it('is recorded as a draft and never sent when no approval is needed', () => {
      const def = actionDefinition({ actionClass: 'read' }, { mode: 'draft_only' }, []);
      expect(planStep(ctx('send', { definition: def, outputs }))).toStrictEqual({
        type: 'done',
        outcome: { type: 'succeeded', output: { executed: false, draftOnly: record(DRAFT, 'read') } },
      });
    });

    it('is still gated first when approval is needed, then recorded (with the grant’s args) and never sent', () => {
      const def = actionDefinition({}, { mode: 'draft_only' });
      expect(done(planStep(ctx('send', { definition: def, outputs }))).type).toBe('gate');
      const edited = { reply: 'Edited draft.' };
      expect(planStep(ctx('send', { definition: def, outputs, grant: grant(DRAFT, edited) }))).toEqual({
        type: 'done',
        outcome: { type: 'succeeded', output: { executed: false, draftOnly: record(edited) } },
      });
    });

    it('is recorded as a draft in draft mode after a grant', () => {
      const def = actionDefinition({ actionClass: 'read' }, { mode: 'draft_only' }, []);
      expect(done(planStep(ctx('send', { definition: def, mode: 'draft', outputs, grant: grant(DRAFT) })))).toEqual({
        type: 'succeeded',
        output: { executed: false, draftOnly: record(DRAFT, 'read') },
      });
    });

    it('is recorded as wouldHaveExecuted in shadow mode', () => {
      const def = actionDefinition({}, { mode: 'draft_only' });
      expect(done(planStep(ctx('send', { definition: def, mode: 'shadow', outputs })))).toEqual({
        type: 'succeeded',
        output: { executed: false, wouldHaveExecuted: record(DRAFT) },
      });
    });
  });

  describe('where the arguments come from', () => {
    const readDef = () => actionDefinition({ actionClass: 'read' }, {}, []);
    const both = { draft: { from: 'draft' }, approve: { from: 'approve' } };

    it('takes argsFrom over the previous step', () => {
      expect(planStep(ctx('send', { definition: readDef(), outputs: both }))).toMatchObject({ type: 'send_action', args: { from: 'draft' } });
    });

    it('takes the previous step’s output without argsFrom', () => {
      const def = readDef();
      delete (stepIn(def, 'send') as ActionStep).argsFrom;
      expect(planStep(ctx('send', { definition: def, outputs: both }))).toMatchObject({
        type: 'send_action',
        args: { from: 'approve' },
      });
    });

    it('fails with missing_data, and sends nothing, when the source step has no output', () => {
      expect(done(planStep(ctx('send', { definition: readDef(), outputs: { approve: { from: 'approve' } } })))).toMatchObject({
        type: 'failed',
        reason: 'missing_data',
        retryable: false,
        details: { source: 'draft' },
      });
    });

    it('takes the run input when the action is the first step', () => {
      const def: WorkflowDefinition = {
        inputSchema: { type: 'object' },
        steps: [{ id: 'notify', kind: 'action', action: 'send_reply', actionClass: 'read' }],
        boundary: { trigger: 't', allowedActions: [{ name: 'send_reply', actionClass: 'read', mode: 'may_execute' }], neverActions: [], handOffs: [] },
      };
      expect(planStep(ctx('notify', { definition: def, outputs: { other: 1 } }))).toMatchObject({ type: 'send_action', args: INPUT });
      expect(done(planStep(ctx('notify', { definition: def, mode: 'shadow' })))).toEqual({
        type: 'succeeded',
        output: { executed: false, wouldHaveExecuted: { action: 'send_reply', actionClass: 'read', args: INPUT } },
      });
    });
  });
});

describe('planStep: approval', () => {
  const outputs = { route: { goto: 'approve', value: 'refund' } };

  it.each(['draft', 'execute'] as const)('gates the previous step’s output for a reviewer (%s mode)', (mode) => {
    expect(planStep(ctx('approve', { mode, outputs }))).toEqual({
      type: 'done',
      outcome: { type: 'gate', proposed: { goto: 'approve', value: 'refund' }, actionName: null, actionClass: 'draft' },
    });
  });

  it('gates in execute mode even when the policy requires approval for no class', () => {
    const def = fullDefinition();
    def.approvalPolicy!.requireApprovalFor = [];
    expect(done(planStep(ctx('approve', { definition: def, outputs }))).type).toBe('gate');
  });

  it('proposes null when the previous step has no output', () => {
    expect(done(planStep(ctx('approve')))).toEqual({ type: 'gate', proposed: null, actionName: null, actionClass: 'draft' });
  });

  it('proposes the run input when it is the first step', () => {
    const def: WorkflowDefinition = { inputSchema: { type: 'object' }, steps: [{ id: 'review', kind: 'approval' }] };
    expect(done(planStep(ctx('review', { definition: def })))).toMatchObject({ type: 'gate', proposed: INPUT });
  });

  it('outputs the granted proposal', () => {
    expect(planStep(ctx('approve', { outputs, grant: grant({ reply: 'ok' }) }))).toStrictEqual({ type: 'done', outcome: { type: 'succeeded', output: { reply: 'ok' } } });
  });

  it('outputs the edited version of an edited grant', () => {
    expect(done(planStep(ctx('approve', { outputs, grant: grant({ reply: 'ok' }, { reply: 'better' }) })))).toEqual({ type: 'succeeded', output: { reply: 'better' } });
  });

  it('passes straight through in shadow mode, recording that the gate was skipped', () => {
    expect(planStep(ctx('approve', { mode: 'shadow', outputs }))).toStrictEqual({
      type: 'done',
      outcome: { type: 'succeeded', output: { goto: 'approve', value: 'refund' }, validation: { gate: 'skipped_in_shadow' } },
    });
    expect(done(planStep(ctx('approve', { mode: 'shadow' })))).toEqual({ type: 'succeeded', output: null, validation: { gate: 'skipped_in_shadow' } });
  });
});

describe('planStep: route', () => {
  /** fullDefinition's route step with other branches / field / default. */
  function routeDef(patch: { branches?: Array<{ equals: JsonValue; goto: string }>; field?: string; defaultGoto?: string | null }): WorkflowDefinition {
    const def = fullDefinition();
    const route = stepIn(def, 'route') as Extract<StepDefinition, { kind: 'route' }>;
    if (patch.branches) route.branches = patch.branches;
    if (patch.field !== undefined) route.field = patch.field;
    if (patch.defaultGoto === null) delete route.defaultGoto;
    else if (patch.defaultGoto !== undefined) route.defaultGoto = patch.defaultGoto;
    return def;
  }

  it('follows the branch whose value equals the field', () => {
    expect(planStep(ctx('route', { outputs: { classify: { label: 'refund' } } }))).toEqual({
      type: 'done',
      outcome: { type: 'succeeded', output: { goto: 'approve', value: 'refund' }, goto: 'approve' },
    });
  });

  it('takes the default when no branch matches', () => {
    expect(done(planStep(ctx('route', { outputs: { classify: { label: 'address' } } })))).toEqual({
      type: 'succeeded',
      output: { goto: 'send', value: 'address' },
      goto: 'send',
    });
  });

  it('compares objects by deep equality, whatever the key order', () => {
    const def = routeDef({ field: '/meta', branches: [{ equals: { lang: 'fr', tags: ['vip', 'refund'], nested: { a: 1, b: 2 } }, goto: 'approve' }] });
    const meta = { nested: { b: 2, a: 1 }, tags: ['vip', 'refund'], lang: 'fr' };
    expect(done(planStep(ctx('route', { definition: def, outputs: { classify: { meta } } })))).toMatchObject({ type: 'succeeded', goto: 'approve', output: { value: meta } });
  });

  it('does not treat arrays in another order, or a different type, as equal', () => {
    const def = routeDef({ field: '/v', branches: [{ equals: ['a', 'b'], goto: 'approve' }, { equals: 1, goto: 'check' }] });
    expect(done(planStep(ctx('route', { definition: def, outputs: { classify: { v: ['b', 'a'] } } })))).toMatchObject({ goto: 'send' });
    expect(done(planStep(ctx('route', { definition: def, outputs: { classify: { v: '1' } } })))).toMatchObject({ goto: 'send' });
    expect(done(planStep(ctx('route', { definition: def, outputs: { classify: { v: 1 } } })))).toMatchObject({ goto: 'check' });
    expect(done(planStep(ctx('route', { definition: def, outputs: { classify: { v: true } } })))).toMatchObject({ goto: 'send' });
  });

  it('lets the first matching branch win', () => {
    const def = routeDef({ branches: [{ equals: 'refund', goto: 'check' }, { equals: 'refund', goto: 'approve' }] });
    expect(done(planStep(ctx('route', { definition: def, outputs: { classify: { label: 'refund' } } })))).toMatchObject({ goto: 'check' });
  });

  it('matches a null branch on a present null but not on an absent field', () => {
    const def = routeDef({ field: '/x', branches: [{ equals: null, goto: 'approve' }] });
    expect(done(planStep(ctx('route', { definition: def, outputs: { classify: { x: null } } })))).toEqual({ type: 'succeeded', output: { goto: 'approve', value: null }, goto: 'approve' });
    expect(done(planStep(ctx('route', { definition: def, outputs: { classify: {} } })))).toEqual({ type: 'succeeded', output: { goto: 'send', value: null }, goto: 'send' });
  });

  it('fails with invalid_output when nothing matches and there is no default', () => {
    const def = routeDef({ defaultGoto: null });
    expect(done(planStep(ctx('route', { definition: def, outputs: { classify: { label: 'address' } } })))).toEqual({
      type: 'failed',
      reason: 'invalid_output',
      retryable: false,
      // The value stays out of the message (messages are not redacted by path): it is in details.
      message: 'No branch of "route" matches the value of /label in "classify" and there is no default.',
      details: { value: 'address' },
    });
  });

  it('reports an absent field as null when nothing matches and there is no default', () => {
    const def = routeDef({ defaultGoto: null, field: '/missing' });
    expect(done(planStep(ctx('route', { definition: def, outputs: { classify: { label: 'refund' } } })))).toEqual({
      type: 'failed',
      reason: 'invalid_output',
      retryable: false,
      message: 'No branch of "route" matches the value of /missing in "classify" and there is no default.',
      details: { value: null },
    });
  });

  it('fails with missing_data when the source step has no output', () => {
    expect(done(planStep(ctx('route', { outputs: { draft: DRAFT } })))).toEqual({
      type: 'failed',
      reason: 'missing_data',
      retryable: false,
      message: 'There is no output of "classify" to route on.',
      details: { source: 'classify' },
    });
  });

  it('routes on the whole source output with the empty pointer', () => {
    const def = routeDef({ field: '', branches: [{ equals: { label: 'refund' }, goto: 'approve' }] });
    expect(done(planStep(ctx('route', { definition: def, outputs: { classify: { label: 'refund' } } })))).toMatchObject({ goto: 'approve' });
  });
});

describe('planStep purity', () => {
  it('does not modify the context', () => {
    const c = ctx('send', { outputs: { draft: DRAFT }, grant: grant(DRAFT, { reply: 'x' }) });
    const snapshot = structuredClone(c);
    planStep(c);
    expect(c).toEqual(snapshot);
  });
});
