import { describe, expect, it } from 'vitest';
import { CLARITY_POINTS, checkPublishReadiness, type MissingItem } from './publish-check.js';
import { REQUIRED_EXCEPTION_PATHS } from './workflow-definition.js';
import { actors, bareDefinition, fullDefinition, makeWorkflow } from './test/fixtures.js';

const AUTHOR = actors.author.id;
const items = (missing: MissingItem[]) => missing.map((m) => `${m.point}:${m.item}`);

describe('checkPublishReadiness', () => {
  it('finds nothing missing for a complete workflow and definition', () => {
    expect(checkPublishReadiness(makeWorkflow(), fullDefinition(), AUTHOR)).toEqual([]);
  });

  it('returns every missing item of all five points at once, in point order', () => {
    const workflow = makeWorkflow({ outcome: null, owners: { operationalOwnerId: null, changeApproverId: null, failureReviewerId: null } });
    const missing = checkPublishReadiness(workflow, bareDefinition(), AUTHOR);
    expect(items(missing)).toEqual([
      'outcome:outcome.statement',
      'outcome:outcome.targetMetric',
      'boundary:boundary',
      'approval_points:approvalPolicy',
      'exception_paths:exceptionPolicy.low_confidence',
      'exception_paths:exceptionPolicy.invalid_output',
      'exception_paths:exceptionPolicy.tool_error',
      'exception_paths:exceptionPolicy.missing_data',
      'exception_paths:exceptionPolicy.timeout',
      'named_owner:owners.operationalOwner',
      'named_owner:owners.changeApprover',
      'named_owner:owners.failureReviewer',
    ]);
    expect(new Set(missing.map((m) => m.point))).toEqual(new Set(CLARITY_POINTS));
    for (const m of missing) expect(m.message.length).toBeGreaterThan(10);
  });

  describe('1. operational outcome', () => {
    it('flags a missing outcome as two items', () => {
      expect(items(checkPublishReadiness(makeWorkflow({ outcome: null }), fullDefinition(), AUTHOR))).toEqual(['outcome:outcome.statement', 'outcome:outcome.targetMetric']);
    });

    it('flags a blank statement or a blank target metric separately', () => {
      expect(items(checkPublishReadiness(makeWorkflow({ outcome: { statement: '  ', targetMetric: 'p50 < 4h' } }), fullDefinition(), AUTHOR))).toEqual(['outcome:outcome.statement']);
      expect(items(checkPublishReadiness(makeWorkflow({ outcome: { statement: 'Faster answers', targetMetric: '' } }), fullDefinition(), AUTHOR))).toEqual(['outcome:outcome.targetMetric']);
    });
  });

  describe('2. boundary', () => {
    it('flags a missing boundary as one item', () => {
      const definition = fullDefinition();
      delete definition.boundary;
      const missing = checkPublishReadiness(makeWorkflow(), definition, AUTHOR);
      expect(items(missing)).toEqual(['boundary:boundary']);
      expect(missing[0]!.message).toMatch(/trigger, allowed actions, never-do actions and hand-offs/);
    });

    it('flags an empty trigger, no never-do actions and no hand-offs, each separately', () => {
      const definition = fullDefinition();
      definition.boundary = { ...definition.boundary!, trigger: ' ', neverActions: [], handOffs: [] };
      expect(items(checkPublishReadiness(makeWorkflow(), definition, AUTHOR))).toEqual([
        'boundary:boundary.trigger',
        'boundary:boundary.neverActions',
        'boundary:boundary.handOffs',
      ]);
    });

    it('flags each action step whose action is not on the allowed list', () => {
      const definition = fullDefinition();
      definition.boundary!.allowedActions = [];
      definition.steps.push({ id: 'archive', kind: 'action', action: 'archive_ticket', actionClass: 'reversible' });
      const missing = checkPublishReadiness(makeWorkflow(), definition, AUTHOR);
      expect(items(missing)).toEqual(['boundary:boundary.allowedActions.send_reply', 'boundary:boundary.allowedActions.archive_ticket']);
      expect(missing[1]!.message).toContain('Step "archive" takes action "archive_ticket"');
      expect(missing[1]!.message).toContain('draft-only or may execute');
    });

    it('does not require allowed actions when no step takes an action', () => {
      const definition = fullDefinition();
      definition.steps = definition.steps.filter((s) => s.kind !== 'action');
      definition.boundary!.allowedActions = [];
      expect(checkPublishReadiness(makeWorkflow(), definition, AUTHOR)).toEqual([]);
    });
  });

  describe('3. approval points', () => {
    it('flags a missing approval policy', () => {
      const definition = fullDefinition();
      delete definition.approvalPolicy;
      expect(items(checkPublishReadiness(makeWorkflow(), definition, AUTHOR))).toEqual(['approval_points:approvalPolicy']);
    });

    it('accepts a policy that gates no action class as long as it states a confidence floor', () => {
      const definition = fullDefinition();
      definition.approvalPolicy = { requireApprovalFor: [], minConfidence: 0.5 };
      expect(checkPublishReadiness(makeWorkflow(), definition, AUTHOR)).toEqual([]);
    });
  });

  describe('4. exception paths', () => {
    it('requires exactly the five named paths', () => {
      expect([...REQUIRED_EXCEPTION_PATHS]).toEqual(['low_confidence', 'invalid_output', 'tool_error', 'missing_data', 'timeout']);
    });

    it.each(REQUIRED_EXCEPTION_PATHS)('flags a missing %s path on its own', (reason) => {
      const definition = fullDefinition();
      delete definition.exceptionPolicy![reason];
      const missing = checkPublishReadiness(makeWorkflow(), definition, AUTHOR);
      expect(items(missing)).toEqual([`exception_paths:exceptionPolicy.${reason}`]);
      expect(missing[0]!.message).toContain(reason.replaceAll('_', ' '));
    });

    it('does not require paths for policy_blocked or model_error', () => {
      const definition = fullDefinition();
      expect(definition.exceptionPolicy!.policy_blocked).toBeUndefined();
      expect(definition.exceptionPolicy!.model_error).toBeUndefined();
      expect(checkPublishReadiness(makeWorkflow(), definition, AUTHOR)).toEqual([]);
    });
  });

  describe('5. named owners', () => {
    it.each([
      ['operationalOwnerId', 'owners.operationalOwner'],
      ['changeApproverId', 'owners.changeApprover'],
      ['failureReviewerId', 'owners.failureReviewer'],
    ] as const)('flags a missing %s', (field, item) => {
      const workflow = makeWorkflow();
      workflow.owners[field] = null;
      expect(items(checkPublishReadiness(workflow, fullDefinition(), AUTHOR))).toEqual([`named_owner:${item}`]);
    });

    it('flags a change approver who is the author of the version', () => {
      const workflow = makeWorkflow();
      workflow.owners.changeApproverId = AUTHOR;
      const missing = checkPublishReadiness(workflow, fullDefinition(), AUTHOR);
      expect(items(missing)).toEqual(['named_owner:owners.changeApprover']);
      expect(missing[0]!.message).toBe('The change approver must not be the author of this version.');
      // the same approver is fine for a version someone else wrote
      expect(checkPublishReadiness(workflow, fullDefinition(), actors.otherOwner.id)).toEqual([]);
    });

    it('lets the author be the operational owner or failure reviewer', () => {
      const workflow = makeWorkflow();
      workflow.owners.operationalOwnerId = AUTHOR;
      workflow.owners.failureReviewerId = AUTHOR;
      expect(checkPublishReadiness(workflow, fullDefinition(), AUTHOR)).toEqual([]);
    });
  });
});
