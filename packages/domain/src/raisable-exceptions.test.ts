import { describe, expect, it } from 'vitest';
import { raisableExceptionReasons, stepReasons } from './raisable-exceptions.js';
import type { StepDefinition, WorkflowDefinition } from './workflow-definition.js';
import { bareDefinition, fullDefinition } from './test/fixtures.js';

const withSteps = (steps: StepDefinition[], patch: Partial<WorkflowDefinition> = {}): WorkflowDefinition => ({ ...fullDefinition(), steps, ...patch });
const rules: StepDefinition = { id: 'classify', kind: 'rules', field: '/message', rules: [], defaultLabel: 'x', defaultConfidence: 0.5 };

describe('raisableExceptionReasons', () => {
  it('derives the reasons of a definition using every step kind, in EXCEPTION_REASONS order', () => {
    // policy_blocked is absent: the only action is on the allowed list.
    expect(raisableExceptionReasons(fullDefinition())).toEqual(['low_confidence', 'invalid_output', 'tool_error', 'missing_data', 'timeout', 'model_error']);
  });

  it('always includes invalid_output: any completed run can be re-opened as one', () => {
    expect(raisableExceptionReasons(bareDefinition())).toEqual(['invalid_output', 'missing_data']);
  });

  it('rules steps raise missing_data only: their confidence is not checked until a validate step', () => {
    expect(stepReasons(fullDefinition(), rules, 0)).toEqual(['missing_data']);
  });

  it('agent steps raise low_confidence only when a threshold applies (step or policy)', () => {
    const agent: StepDefinition = { id: 'a', kind: 'agent', provider: 'openai', model: 'm', prompt: 'p', outputSchema: { type: 'object' } };
    expect(stepReasons(fullDefinition(), agent, 0)).toEqual(['missing_data', 'model_error', 'invalid_output', 'timeout', 'low_confidence']);
    const noPolicy = withSteps([agent], { approvalPolicy: undefined });
    expect(stepReasons(noPolicy, agent, 0)).toEqual(['missing_data', 'model_error', 'invalid_output', 'timeout']);
    expect(stepReasons(noPolicy, { ...agent, minConfidence: 0.8 }, 0)).toContain('low_confidence');
  });

  it('validate steps raise missing_data only when they read another step, low_confidence only with a threshold', () => {
    const validate: StepDefinition = { id: 'v', kind: 'validate', schema: { type: 'object' } };
    const noPolicy = withSteps([validate], { approvalPolicy: undefined });
    expect(stepReasons(noPolicy, validate, 0)).toEqual(['invalid_output']);
    expect(stepReasons(fullDefinition(), validate, 1)).toEqual(['missing_data', 'invalid_output', 'low_confidence']);
  });

  it('action steps: tool_error and timeout only when the boundary lets them execute, policy_blocked when not allowed', () => {
    const action: StepDefinition = { id: 'send', kind: 'action', action: 'send_reply', actionClass: 'customer_impacting' };
    const def = fullDefinition();
    expect(stepReasons(def, action, 0)).toEqual(['tool_error', 'timeout']);
    expect(stepReasons(def, action, 2)).toEqual(['missing_data', 'tool_error', 'timeout']);
    const draftOnly = withSteps([action], { boundary: { ...def.boundary!, allowedActions: [{ name: 'send_reply', actionClass: 'customer_impacting', mode: 'draft_only' }] } });
    expect(stepReasons(draftOnly, action, 0)).toEqual([]);
    expect(stepReasons(def, { ...action, action: 'unknown_action' }, 0)).toEqual(['policy_blocked']);
    expect(stepReasons(withSteps([action], { boundary: undefined }), action, 0)).toEqual(['policy_blocked']);
  });

  it('approval steps raise nothing; route steps raise invalid_output only without a default branch', () => {
    expect(stepReasons(fullDefinition(), { id: 'ok', kind: 'approval' }, 1)).toEqual([]);
    const route: StepDefinition = { id: 'r', kind: 'route', source: 'classify', field: '/label', branches: [{ equals: 'a', goto: 'classify' }] };
    expect(stepReasons(fullDefinition(), route, 1)).toEqual(['missing_data', 'invalid_output']);
    expect(stepReasons(fullDefinition(), { ...route, defaultGoto: 'classify' }, 1)).toEqual(['missing_data']);
  });
});
