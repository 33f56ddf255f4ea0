import {
  ACTION_CLASSES,
  APPROVAL_DECISIONS,
  APPROVAL_STATUSES,
  CHALLENGER_CHANGE_KINDS,
  CLARITY_POINTS,
  EXCEPTION_REASONS,
  EXCEPTION_RESOLUTIONS,
  EXCEPTION_STATUSES,
  METRIC_BUCKETS,
  ROLES,
  ROLLOUT_STAGES,
  RUN_STATUSES,
  VERSION_STATUSES,
} from '@gatehouse/domain';
import { registerEnumType } from 'type-graphql';

/**
 * GraphQL enums reuse the domain's value lists, so a new status cannot exist in one layer
 * only. Values are the domain's own lowercase names (what integrators also see in events).
 */
function enumOf<T extends string>(values: readonly T[], name: string, description: string): Record<T, T> {
  const object = Object.fromEntries(values.map((v) => [v, v])) as Record<T, T>;
  registerEnumType(object, { name, description });
  return object;
}

export const RoleEnum = enumOf(ROLES, 'Role', 'What a principal may do; see the role table in the README.');
export const RolloutStageEnum = enumOf(ROLLOUT_STAGES, 'RolloutStage', 'shadow: record only; draft: every action waits for approval; execute: only policy-named actions wait.');
export const VersionStatusEnum = enumOf(VERSION_STATUSES, 'VersionStatus', 'Lifecycle of a workflow version.');
export const RunStatusEnum = enumOf(RUN_STATUSES, 'RunStatus', 'Lifecycle of a run.');
export const ApprovalStatusEnum = enumOf(APPROVAL_STATUSES, 'ApprovalStatus', 'Lifecycle of an approval.');
export const ApprovalDecisionEnum = enumOf(APPROVAL_DECISIONS, 'ApprovalDecision', 'A reviewer decision.');
export const ActionClassEnum = enumOf(ACTION_CLASSES, 'ActionClass', 'How consequential an action is.');
export const ExceptionReasonEnum = enumOf(EXCEPTION_REASONS, 'ExceptionReason', 'Why a run left the straight-through path.');
export const ExceptionStatusEnum = enumOf(EXCEPTION_STATUSES, 'ExceptionStatus', 'Lifecycle of an exception item.');
export const ExceptionResolutionEnum = enumOf(EXCEPTION_RESOLUTIONS, 'ExceptionResolution', 'How a reviewer resolved an exception.');
export const ClarityPointEnum = enumOf(CLARITY_POINTS, 'ClarityPoint', 'The five things a workflow must make explicit before publishing.');
export const AssigneeFilterEnum = enumOf(['me', 'unassigned', 'any'] as const, 'AssigneeFilter', 'Whose exception items to list.');
export const MetricBucketEnum = enumOf(METRIC_BUCKETS, 'MetricBucket', 'Width of a metrics time bucket (UTC; weeks start on Monday).');
export const WorkflowScopeEnum = enumOf(['assigned', 'all'] as const, 'WorkflowScope', 'Which workflows a queue lists: assigned = the workflows you are assigned to review (the default for reviewers), all = every workflow (the default for other roles).');
export const ChallengerChangeKindEnum = enumOf(CHALLENGER_CHANGE_KINDS, 'ChallengerChangeKind', 'What a challenger changes compared with the champion.');
