import { REQUIRED_EXCEPTION_PATHS, type WorkflowDefinition } from './workflow-definition.js';
import type { Workflow } from './workflow.js';

export const CLARITY_POINTS = ['outcome', 'boundary', 'approval_points', 'exception_paths', 'named_owner'] as const;
export type ClarityPoint = (typeof CLARITY_POINTS)[number];

export interface MissingItem {
  point: ClarityPoint;
  /** Where the gap is, e.g. "boundary.handOffs" or "owners.changeApprover". */
  item: string;
  message: string;
}

/**
 * The five things every workflow must make explicit before it can be published. Returns
 * every missing item at once, so an owner fixes them in one pass rather than one per attempt.
 */
export function checkPublishReadiness(
  workflow: Pick<Workflow, 'outcome' | 'owners'>,
  definition: WorkflowDefinition,
  versionAuthorId: string,
): MissingItem[] {
  const missing: MissingItem[] = [];
  const add = (point: ClarityPoint, item: string, message: string) => missing.push({ point, item, message });

  // 1. Operational outcome
  if (!workflow.outcome?.statement.trim()) add('outcome', 'outcome.statement', 'State the operational outcome this workflow exists to improve.');
  if (!workflow.outcome?.targetMetric.trim()) add('outcome', 'outcome.targetMetric', 'Name the target metric (e.g. "median cycle time under 4h").');

  // 2. Boundary
  const boundary = definition.boundary;
  if (!boundary) {
    add('boundary', 'boundary', 'Define the boundary: trigger, allowed actions, never-do actions and hand-offs.');
  } else {
    if (!boundary.trigger.trim()) add('boundary', 'boundary.trigger', 'Say what triggers the workflow.');
    if (boundary.neverActions.length === 0) add('boundary', 'boundary.neverActions', 'List at least one action the workflow must never take.');
    if (boundary.handOffs.length === 0) add('boundary', 'boundary.handOffs', 'Name at least one hand-off to a manual path.');
    const allowed = new Set(boundary.allowedActions.map((a) => a.name));
    for (const step of definition.steps) {
      if (step.kind === 'action' && !allowed.has(step.action)) {
        add('boundary', `boundary.allowedActions.${step.action}`, `Step "${step.id}" takes action "${step.action}", which is not on the allowed list; say whether it is draft-only or may execute.`);
      }
    }
  }

  // 3. Approval points
  if (!definition.approvalPolicy) {
    add('approval_points', 'approvalPolicy', 'Say which action classes need a human decision and the confidence below which results are routed out.');
  }

  // 4. Exception paths
  for (const reason of REQUIRED_EXCEPTION_PATHS) {
    if (!definition.exceptionPolicy?.[reason]) {
      add('exception_paths', `exceptionPolicy.${reason}`, `Say what happens on ${reason.replaceAll('_', ' ')}: retry, route to the queue, or hand off.`);
    }
  }

  // 5. Named owners
  const { operationalOwnerId, changeApproverId, failureReviewerId } = workflow.owners;
  if (!operationalOwnerId) add('named_owner', 'owners.operationalOwner', 'Name the operational owner.');
  if (!changeApproverId) add('named_owner', 'owners.changeApprover', 'Name the change approver.');
  else if (changeApproverId === versionAuthorId) add('named_owner', 'owners.changeApprover', 'The change approver must not be the author of this version.');
  if (!failureReviewerId) add('named_owner', 'owners.failureReviewer', 'Name the failure reviewer.');

  return missing;
}
