import { describe, expect, it } from 'vitest';
import {
  assertValidDefinition,
  findStep,
  validateDefinition,
  type StepDefinition,
  type StepKind,
  approverRoleFor,
  defaultHandOff,
  type WorkflowDefinition,
} from './workflow-definition.js';
import { bareDefinition, expectDomainError, fullDefinition } from './test/fixtures.js';

type StepOf<K extends StepKind> = Extract<StepDefinition, { kind: K }>;

function step<K extends StepKind>(definition: WorkflowDefinition, id: string, kind: K): StepOf<K> {
  const found = definition.steps.find((s) => s.id === id);
  if (found?.kind !== kind) throw new Error(`fixture has no ${kind} step "${id}"`);
  return found as StepOf<K>;
}

/** Issues for a copy of the full definition after `change`; `change` may break the types on purpose. */
function issuesAfter(change: (d: WorkflowDefinition) => void) {
  const definition = fullDefinition();
  change(definition);
  return validateDefinition(definition);
}

/** Loosely typed view for deliberately malformed definitions. */
const loose = (value: unknown) => value as Record<string, unknown> & { steps: Array<Record<string, unknown>> };

describe('validateDefinition — valid definitions', () => {
  it('accepts a full definition using every step kind', () => {
    const definition = fullDefinition();
    expect(new Set(definition.steps.map((s) => s.kind))).toEqual(new Set(['rules', 'agent', 'validate', 'action', 'approval', 'route']));
    expect(validateDefinition(definition)).toEqual([]);
  });

  it('accepts a bare definition: boundary, policies and SLAs are only needed to publish', () => {
    expect(validateDefinition(bareDefinition())).toEqual([]);
  });

  it('lets validate and action steps default their source to the previous step', () => {
    expect(
      issuesAfter((d) => {
        delete step(d, 'check', 'validate').source;
        delete step(d, 'send', 'action').argsFrom;
      }),
    ).toEqual([]);
  });

  it('lets a route jump forward to a later step', () => {
    expect(issuesAfter((d) => (step(d, 'route', 'route').branches = [{ equals: { nested: [1] }, goto: 'send' }]))).toEqual([]);
  });
});

describe('validateDefinition — shape', () => {
  it.each([null, 'text', 42, []])('refuses a non-object definition (%j) at the root', (value) => {
    expect(validateDefinition(value)).toEqual([{ path: '/', message: 'must be object' }]);
  });

  it('reports every missing top-level field at once', () => {
    expect(validateDefinition({})).toEqual([
      { path: '/inputSchema', message: "must have required property 'inputSchema'" },
      { path: '/steps', message: "must have required property 'steps'" },
    ]);
  });

  it('needs at least one step', () => {
    expect(validateDefinition({ inputSchema: {}, steps: [] })).toEqual([{ path: '/steps', message: 'must NOT have fewer than 1 items' }]);
  });

  it('refuses an unknown step kind, pointing at the kind', () => {
    const issues = issuesAfter((d) => loose(d).steps.push({ id: 'teleport', kind: 'teleport' }));
    expect(issues).toEqual([{ path: '/steps/6/kind', message: 'must be equal to one of the allowed values' }]);
  });

  it('refuses a step without a kind', () => {
    const issues = issuesAfter((d) => delete loose(d).steps[0]!.kind);
    expect(issues).toEqual([{ path: '/steps/0/kind', message: "must have required property 'kind'" }]);
  });

  it('refuses additional properties at every level, naming the property', () => {
    const issues = issuesAfter((d) => {
      loose(d).extra = 1;
      loose(d).steps[0]!.colour = 'red';
      loose(d.boundary).owner = 'me';
      loose(d.approvalPolicy).auto = true;
      loose(d.exceptionPolicy).on_fire = { action: 'queue' };
      loose(d.exceptionPolicy!.timeout).later = true;
      loose(d.slas).weekendMinutes = 5;
      loose(step(d, 'classify', 'rules').rules[0]).weight = 2;
      loose(d.boundary!.handOffs[0]).phone = '123';
    });
    expect(issues).toEqual(
      expect.arrayContaining([
        { path: '/', message: 'must NOT have additional properties (extra)' },
        { path: '/steps/0', message: 'must NOT have additional properties (colour)' },
        { path: '/boundary', message: 'must NOT have additional properties (owner)' },
        { path: '/approvalPolicy', message: 'must NOT have additional properties (auto)' },
        { path: '/exceptionPolicy', message: 'must NOT have additional properties (on_fire)' },
        { path: '/exceptionPolicy/timeout', message: 'must NOT have additional properties (later)' },
        { path: '/slas', message: 'must NOT have additional properties (weekendMinutes)' },
        { path: '/steps/0/rules/0', message: 'must NOT have additional properties (weight)' },
        { path: '/boundary/handOffs/0', message: 'must NOT have additional properties (phone)' },
      ]),
    );
    expect(issues).toHaveLength(9);
  });

  it('refuses a property that belongs to another step kind', () => {
    const issues = issuesAfter((d) => (loose(d).steps[4]!.prompt = 'approval steps have no prompt'));
    expect(issues).toEqual([{ path: '/steps/4', message: 'must NOT have additional properties (prompt)' }]);
  });

  it('reports the missing kind-specific fields of each step kind', () => {
    const issues = issuesAfter((d) => {
      const steps = loose(d).steps;
      delete steps[0]!.defaultLabel;
      delete steps[1]!.prompt;
      delete steps[2]!.schema;
      delete steps[3]!.branches;
      delete steps[5]!.actionClass;
    });
    expect(issues).toEqual([
      { path: '/steps/0/defaultLabel', message: "must have required property 'defaultLabel'" },
      { path: '/steps/1/prompt', message: "must have required property 'prompt'" },
      { path: '/steps/2/schema', message: "must have required property 'schema'" },
      { path: '/steps/3/branches', message: "must have required property 'branches'" },
      { path: '/steps/5/actionClass', message: "must have required property 'actionClass'" },
    ]);
  });

  it('checks ids, confidences, URLs, flags, enums and SLAs', () => {
    const issues = issuesAfter((d) => {
      step(d, 'classify', 'rules').rules[0]!.flags = 'g';
      d.steps[0]!.id = 'Classify';
      step(d, 'draft', 'agent').minConfidence = 1.5;
      step(d, 'send', 'action').webhookUrl = 'ftp://example.test';
      loose(d.approvalPolicy).requireApprovalFor = ['read', 'read'];
      loose(d.boundary!.allowedActions[0]).mode = 'sometimes';
      d.slas!.approvalMinutes = 0;
    });
    const paths = issues.map((i) => i.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/steps/0/id',
        '/steps/1/minConfidence',
        '/steps/5/webhookUrl',
        '/steps/0/rules/0/flags',
        '/approvalPolicy/requireApprovalFor',
        '/boundary/allowedActions/0/mode',
        '/slas/approvalMinutes',
      ]),
    );
  });

  it('reports structural problems before (and instead of) semantic ones', () => {
    const issues = issuesAfter((d) => {
      loose(d).extra = true;
      d.steps[1]!.id = d.steps[0]!.id; // a duplicate, only found by the semantic pass
    });
    expect(issues).toEqual([{ path: '/', message: 'must NOT have additional properties (extra)' }]);
  });
});

describe('validateDefinition — semantics', () => {
  it('refuses duplicate step ids, naming the first occurrence', () => {
    const issues = issuesAfter((d) => (d.steps[4]!.id = 'draft'));
    expect(issues).toContainEqual({ path: '/steps/4/id', message: 'duplicates step id "draft" (also /steps/1)' });
  });

  it('refuses route targets that do not exist (branches and default)', () => {
    const issues = issuesAfter((d) => {
      const route = step(d, 'route', 'route');
      route.branches = [{ equals: 'refund', goto: 'approve' }, { equals: 'x', goto: 'nowhere' }];
      route.defaultGoto = 'elsewhere';
    });
    expect(issues).toEqual([
      { path: '/steps/3/branches/1/goto', message: 'refers to unknown step "nowhere"' },
      { path: '/steps/3/defaultGoto', message: 'refers to unknown step "elsewhere"' },
    ]);
  });

  it('refuses sources that name an unknown step', () => {
    const issues = issuesAfter((d) => {
      step(d, 'check', 'validate').source = 'ghost';
      step(d, 'send', 'action').argsFrom = 'phantom';
      step(d, 'route', 'route').source = 'spectre';
    });
    expect(issues).toEqual([
      { path: '/steps/2/source', message: 'refers to unknown step "ghost"' },
      { path: '/steps/3/source', message: 'refers to unknown step "spectre"' },
      { path: '/steps/5/argsFrom', message: 'refers to unknown step "phantom"' },
    ]);
  });

  it('refuses sources that refer to a later step (or the step itself)', () => {
    const issues = issuesAfter((d) => {
      step(d, 'check', 'validate').source = 'send';
      step(d, 'route', 'route').source = 'route';
    });
    expect(issues).toEqual([
      { path: '/steps/2/source', message: 'must refer to an earlier step, "send" comes later' },
      { path: '/steps/3/source', message: 'must refer to an earlier step, "route" comes later' },
    ]);
    const argsFromLater = issuesAfter((d) => {
      d.steps.push({ id: 'later', kind: 'approval' });
      step(d, 'send', 'action').argsFrom = 'later';
    });
    expect(argsFromLater).toEqual([{ path: '/steps/5/argsFrom', message: 'must refer to an earlier step, "later" comes later' }]);
  });

  it('refuses an invalid regular expression or flag combination in a rules step', () => {
    const issues = issuesAfter((d) => {
      const rules = step(d, 'classify', 'rules').rules;
      rules[0]!.pattern = '(unclosed';
      rules[1]!.flags = 'ii';
    });
    expect(issues.map((i) => i.path)).toEqual(['/steps/0/rules/0/pattern', '/steps/0/rules/1/pattern']);
    expect(issues[0]!.message).toMatch(/^is not a valid regular expression: .*(unclosed|Unterminated group)/i);
    expect(issues[1]!.message).toMatch(/^is not a valid regular expression: .*flags/i);
  });

  it('refuses invalid nested JSON Schemas: input, agent output and validate schema', () => {
    const issues = issuesAfter((d) => {
      d.inputSchema = { type: 'object', properties: { name: { type: 'strng' } } };
      step(d, 'draft', 'agent').outputSchema = { type: 'object', required: 'reply' };
      step(d, 'check', 'validate').schema = { minLength: -1 };
    });
    expect(issues.length).toBeGreaterThanOrEqual(3);
    expect(issues.every((i) => i.message.startsWith('is not a valid JSON Schema'))).toBe(true);
    const paths = issues.map((i) => i.path);
    expect(paths).toContain('/inputSchema/properties/name/type');
    expect(paths).toContain('/steps/1/outputSchema/required');
    expect(paths).toContain('/steps/2/schema/minLength');
  });

  it('refuses an input schema with an invalid regex pattern', () => {
    const issues = issuesAfter((d) => (d.inputSchema = { type: 'object', properties: { a: { type: 'string', pattern: '[' } } }));
    expect(issues).toHaveLength(1);
    expect(issues[0]!.path).toMatch(/^\/inputSchema/);
    expect(issues[0]!.message).toMatch(/is not a valid JSON Schema: .*regular expression/i);
  });

  it('refuses an action that is both allowed and on the never-do list', () => {
    const issues = issuesAfter((d) => d.boundary!.neverActions.push('send_reply'));
    expect(issues).toEqual(
      expect.arrayContaining([{ path: '/boundary/allowedActions/0/name', message: '"send_reply" is both allowed and on the never-do list' }]),
    );
  });

  it('refuses an action step whose action is on the never-do list', () => {
    const issues = issuesAfter((d) => (step(d, 'send', 'action').action = 'issue_refund'));
    expect(issues).toEqual([{ path: '/steps/5/action', message: '"issue_refund" is on the boundary\'s never-do list' }]);
  });

  it('refuses an action step whose class differs from the boundary\'s class for that action', () => {
    const issues = issuesAfter((d) => (step(d, 'send', 'action').actionClass = 'read'));
    expect(issues).toEqual([{ path: '/steps/5/actionClass', message: 'is "read" but the boundary declares "send_reply" as "customer_impacting"' }]);
  });

  it('refuses duplicate allowed actions', () => {
    const issues = issuesAfter((d) => d.boundary!.allowedActions.push({ name: 'send_reply', actionClass: 'draft', mode: 'draft_only' }));
    expect(issues).toEqual([{ path: '/boundary/allowedActions/1/name', message: 'duplicates action "send_reply"' }]);
  });

  it('requires handOffTo when an exception path hands off', () => {
    const issues = issuesAfter((d) => (d.exceptionPolicy!.timeout = { action: 'hand_off' }));
    expect(issues).toEqual([{ path: '/exceptionPolicy/timeout/handOffTo', message: 'is required when action is hand_off' }]);
  });

  it('refuses handOffTo naming a hand-off the boundary does not define', () => {
    const issues = issuesAfter((d) => (d.exceptionPolicy!.tool_error = { action: 'retry', maxAttempts: 2, handOffTo: 'legal' }));
    expect(issues).toEqual([{ path: '/exceptionPolicy/tool_error/handOffTo', message: 'names hand-off "legal" which the boundary does not define' }]);
  });

  it('refuses handOffTo when there is no boundary at all (no hand-off is defined)', () => {
    const definition = bareDefinition();
    definition.exceptionPolicy = { missing_data: { action: 'hand_off', handOffTo: 'tier2' } };
    expect(validateDefinition(definition)).toEqual([
      { path: '/exceptionPolicy/missing_data/handOffTo', message: 'names hand-off "tier2" which the boundary does not define' },
    ]);
  });

  it('reports every semantic problem in one pass, each with a JSON pointer', () => {
    const issues = issuesAfter((d) => {
      d.steps[4]!.id = 'draft';
      step(d, 'route', 'route').defaultGoto = 'nowhere';
      step(d, 'classify', 'rules').rules[0]!.pattern = '[';
      step(d, 'send', 'action').action = 'issue_refund';
      d.exceptionPolicy!.timeout = { action: 'hand_off' };
      d.inputSchema = { type: 'nothing' };
    });
    expect(issues.map((i) => i.path)).toEqual(
      expect.arrayContaining([
        '/steps/4/id',
        '/steps/3/defaultGoto',
        '/steps/0/rules/0/pattern',
        '/steps/5/action',
        '/exceptionPolicy/timeout/handOffTo',
        '/inputSchema/type',
      ]),
    );
    for (const issue of issues) expect(issue.path).toMatch(/^\/[A-Za-z]/);
  });
});

describe('assertValidDefinition', () => {
  it('throws invalid_input listing every issue in the message and details', () => {
    const definition = fullDefinition();
    step(definition, 'route', 'route').defaultGoto = 'nowhere';
    definition.steps.push({ id: 'draft', kind: 'approval' });
    const error = expectDomainError(() => assertValidDefinition(definition), 'invalid_input');
    expect(error.message).toContain('The workflow definition is invalid: ');
    expect(error.message).toContain('/steps/6/id duplicates step id "draft" (also /steps/1)');
    expect(error.message).toContain('/steps/3/defaultGoto refers to unknown step "nowhere"');
    expect(error.details.issues).toHaveLength(2);
  });

  it('passes a valid definition through', () => {
    const definition: unknown = fullDefinition();
    assertValidDefinition(definition);
    expect(definition.steps).toHaveLength(6);
  });
});

describe('findStep', () => {
  it('finds a step by id or returns undefined', () => {
    const definition = fullDefinition();
    expect(findStep(definition, 'check')?.kind).toBe('validate');
    expect(findStep(definition, 'missing')).toBeUndefined();
  });
});

describe('defaultHandOff and approverRoleFor', () => {
  const base = { inputSchema: { type: 'object' }, steps: [{ id: 'gate', kind: 'approval', requiredRole: 'owner' }, { id: 'act', kind: 'action', action: 'a', actionClass: 'read' }] } as unknown as WorkflowDefinition;
  const boundary = { trigger: 't', allowedActions: [], neverActions: [], handOffs: [{ name: 'first', to: 'Team A', when: 'x' }, { name: 'second', to: 'Team B', when: 'y' }] };

  it('prefers the hand-off the exception policy names, then the boundary’s first, else none', () => {
    expect(defaultHandOff({ ...base, boundary, exceptionPolicy: { timeout: { action: 'hand_off', handOffTo: 'second' } } }, 'timeout')).toBe('second');
    expect(defaultHandOff({ ...base, boundary, exceptionPolicy: { timeout: { action: 'hand_off', handOffTo: 'second' } } }, 'tool_error')).toBe('first');
    expect(defaultHandOff(base, 'timeout')).toBeNull();
  });

  it('takes the approval step’s role, then the policy’s, then reviewer', () => {
    const policy = { requireApprovalFor: [], minConfidence: 0.5, approverRole: 'admin' as const };
    expect(approverRoleFor({ ...base, approvalPolicy: policy }, 'gate')).toBe('owner');
    expect(approverRoleFor({ ...base, approvalPolicy: policy }, 'act')).toBe('admin');
    expect(approverRoleFor(base, 'act')).toBe('reviewer');
  });
});
