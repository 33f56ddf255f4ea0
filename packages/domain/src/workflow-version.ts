import { DomainError, IllegalTransitionError } from './errors.js';
import { checkPublishReadiness } from './publish-check.js';
import type { Actor } from './roles.js';
import { assertRunbookComplete, normalizeRunbook, runbookFacts } from './runbook.js';
import { assertValidDefinition, type WorkflowDefinition } from './workflow-definition.js';
import type { Transition, Workflow } from './workflow.js';

export const VERSION_STATUSES = ['draft', 'proposed', 'approved', 'rejected', 'published', 'superseded'] as const;
export type VersionStatus = (typeof VERSION_STATUSES)[number];

export interface WorkflowVersion {
  id: string;
  workflowId: string;
  version: number;
  status: VersionStatus;
  definition: WorkflowDefinition;
  /** Markdown for reviewers, versioned with the definition (runbook.ts); null when none was given. */
  runbook: string | null;
  changeNote: string;
  authorId: string;
  approvedBy: string | null;
  approvedAt: Date | null;
  rejectedBy: string | null;
  rejectedAt: Date | null;
  rejectionReason: string | null;
  publishedBy: string | null;
  publishedAt: Date | null;
  createdAt: Date;
}

function illegal(version: WorkflowVersion, transition: string, hint?: string): never {
  throw new IllegalTransitionError(`workflow version (v${version.version})`, version.status, transition, hint);
}

/** A new version starts as a draft; its definition must be structurally valid. */
export function createVersion(
  input: { id: string; workflowId: string; version: number; definition: unknown; changeNote?: string; runbook?: string | null },
  author: Actor,
  now: Date,
): Transition<WorkflowVersion> {
  assertValidDefinition(input.definition);
  const runbook = normalizeRunbook(input.runbook);
  const version: WorkflowVersion = {
    id: input.id,
    workflowId: input.workflowId,
    version: input.version,
    status: 'draft',
    definition: input.definition,
    runbook,
    changeNote: input.changeNote?.trim() ?? '',
    authorId: author.id,
    approvedBy: null,
    approvedAt: null,
    rejectedBy: null,
    rejectedAt: null,
    rejectionReason: null,
    publishedBy: null,
    publishedAt: null,
    createdAt: now,
  };
  return {
    state: version,
    events: [{ type: 'workflow_version.created', subjectType: 'workflow_version', subjectId: version.id, data: { workflowId: version.workflowId, version: version.version, changeNote: version.changeNote, runbook: runbookFacts(runbook) } }],
  };
}

export function proposeVersion(version: WorkflowVersion, actor: Actor): Transition<WorkflowVersion> {
  if (version.status !== 'draft') illegal(version, 'propose');
  if (actor.id !== version.authorId && actor.role !== 'admin') {
    throw new DomainError('forbidden', 'Only the author of a draft (or an admin) can propose it.');
  }
  return {
    state: { ...version, status: 'proposed' },
    events: [{ type: 'workflow_version.proposed', subjectType: 'workflow_version', subjectId: version.id, data: { workflowId: version.workflowId, version: version.version } }],
  };
}

/**
 * Approval is a separation-of-duties decision: only the workflow's named change approver (or
 * an admin) may approve, and never the person who authored the change.
 */
function assertMayDecideChange(workflow: Workflow, version: WorkflowVersion, actor: Actor, verb: string): void {
  if (actor.id === version.authorId) {
    throw new DomainError('separation_of_duties', `You authored v${version.version}; someone else must ${verb} it (the workflow's change approver).`, { authorId: version.authorId });
  }
  if (actor.role !== 'admin' && actor.id !== workflow.owners.changeApproverId) {
    throw new DomainError('forbidden', `Only the change approver named on workflow "${workflow.key}" (or an admin) can ${verb} a version.`, { changeApproverId: workflow.owners.changeApproverId });
  }
}

export function approveVersion(workflow: Workflow, version: WorkflowVersion, actor: Actor, now: Date, note = ''): Transition<WorkflowVersion> {
  if (version.status !== 'proposed') illegal(version, 'approve', version.status === 'draft' ? 'Propose it first.' : undefined);
  assertMayDecideChange(workflow, version, actor, 'approve');
  return {
    state: { ...version, status: 'approved', approvedBy: actor.id, approvedAt: now },
    events: [{ type: 'workflow_version.approved', subjectType: 'workflow_version', subjectId: version.id, data: { workflowId: version.workflowId, version: version.version, note } }],
  };
}

export function rejectVersion(workflow: Workflow, version: WorkflowVersion, actor: Actor, reason: string, now: Date): Transition<WorkflowVersion> {
  if (version.status !== 'proposed') illegal(version, 'reject');
  assertMayDecideChange(workflow, version, actor, 'reject');
  if (!reason.trim()) throw new DomainError('invalid_input', 'Say why the version is rejected (reason is required).', { field: 'reason' });
  return {
    state: { ...version, status: 'rejected', rejectedBy: actor.id, rejectedAt: now, rejectionReason: reason.trim() },
    events: [{ type: 'workflow_version.rejected', subjectType: 'workflow_version', subjectId: version.id, data: { workflowId: version.workflowId, version: version.version, reason: reason.trim() } }],
  };
}

export interface PublishResult {
  workflow: Workflow;
  published: WorkflowVersion;
  superseded: WorkflowVersion | null;
  events: Transition<unknown>['events'];
}

/**
 * Publishing needs an approved version and a workflow that makes all five clarity points
 * explicit; every missing item is reported at once. The previously published version (if
 * any) is superseded so exactly one version is live.
 */
export function publishVersion(
  workflow: Workflow,
  version: WorkflowVersion,
  current: WorkflowVersion | null,
  actor: Actor,
  now: Date,
  /** What a gate the publish passed records in the event (e.g. the challenger's agreement, checkChallengerSwitch). */
  evidence: Record<string, unknown> | null = null,
): PublishResult {
  if (version.workflowId !== workflow.id) throw new DomainError('invalid_input', 'That version belongs to another workflow.');
  if (version.status !== 'approved') {
    illegal(version, 'publish', version.status === 'proposed' ? 'It needs approval by the change approver first.' : undefined);
  }
  const missing = checkPublishReadiness(workflow, version.definition, version.authorId);
  if (missing.length > 0) {
    throw new DomainError(
      'publish_check_failed',
      `Cannot publish v${version.version} of "${workflow.key}": ${missing.length} clarity item(s) missing — ${missing.map((m) => m.item).join(', ')}.`,
      { missing },
    );
  }
  // Shadow and draft publishes may still lack sections (the version shows what is missing).
  if (workflow.rolloutStage === 'execute') assertRunbookComplete(workflow.key, version, 'Cannot publish to execute');
  const result = finishPublish(workflow, version, current, actor, now, 'workflow_version.published');
  if (evidence) result.events[0] = { ...result.events[0]!, data: { ...result.events[0]!.data, ...evidence } };
  return result;
}

/**
 * Rollback republishes an earlier version that was live before (now superseded). It skips
 * approval because that version was already approved and published once.
 */
export function rollbackTo(workflow: Workflow, target: WorkflowVersion, current: WorkflowVersion | null, actor: Actor, now: Date, reason: string): PublishResult {
  if (target.workflowId !== workflow.id) throw new DomainError('invalid_input', 'That version belongs to another workflow.');
  if (target.status !== 'superseded') {
    illegal(target, 'roll back to', 'Only a version that was published before can be republished by rollback.');
  }
  if (!reason.trim()) throw new DomainError('invalid_input', 'Say why you are rolling back (reason is required).', { field: 'reason' });
  const result = finishPublish(workflow, target, current, actor, now, 'workflow.rolled_back');
  result.events[0] = { ...result.events[0]!, subjectType: 'workflow', subjectId: workflow.id, data: { ...result.events[0]!.data, reason: reason.trim(), fromVersionId: current?.id ?? null } };
  return result;
}

function finishPublish(workflow: Workflow, version: WorkflowVersion, current: WorkflowVersion | null, actor: Actor, now: Date, eventType: string): PublishResult {
  if (current && current.status !== 'published') throw new Error(`Invariant: current version v${current.version} is ${current.status}, not published`);
  if ((current?.id ?? null) !== workflow.publishedVersionId) {
    throw new Error(`Invariant: current must be the workflow's published version (${workflow.publishedVersionId ?? 'none'}), got ${current?.id ?? 'none'}`);
  }
  const superseded = current ? { ...current, status: 'superseded' as const } : null;
  const published = { ...version, status: 'published' as const, publishedBy: actor.id, publishedAt: now };
  // A challenger that becomes the champion stops shadowing itself.
  const promoted = workflow.challenger?.versionId === version.id ? { challenger: null } : {};
  return {
    workflow: { ...workflow, publishedVersionId: version.id, ...promoted, updatedAt: now },
    published,
    superseded,
    events: [
      { type: eventType, subjectType: 'workflow_version', subjectId: version.id, data: { workflowId: workflow.id, version: version.version, supersededVersion: current?.version ?? null } },
    ],
  };
}

/** The newest version that was live before the current one: the default rollback target. */
export function previousPublished(versions: readonly WorkflowVersion[]): WorkflowVersion | null {
  const candidates = versions.filter((v) => v.status === 'superseded' && v.publishedAt !== null);
  candidates.sort((a, b) => (b.publishedAt?.getTime() ?? 0) - (a.publishedAt?.getTime() ?? 0) || b.version - a.version);
  return candidates[0] ?? null;
}
