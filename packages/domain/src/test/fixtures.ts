/**
 * Builders for domain unit tests. Lives under src/test/ so tsconfig.build.json leaves it out
 * of dist; every builder returns a fresh object, so tests may mutate what they get.
 */
import { expect } from 'vitest';
import { requestApproval, type Approval, type ApprovalRequest } from '../approval.js';
import { DomainError, type DomainErrorCode } from '../errors.js';
import { DEFAULT_EVALUATION_POLICY } from '../evaluation-policy.js';
import { openException, type ExceptionItem, type OpenExceptionInput } from '../exception-item.js';
import type { Actor } from '../roles.js';
import type { Run } from '../run.js';
import type { WorkflowDefinition } from '../workflow-definition.js';
import type { WorkflowVersion } from '../workflow-version.js';
import type { Workflow } from '../workflow.js';

/** A fixed clock: no test depends on the real time. */
export const NOW = new Date('2025-03-01T09:00:00.000Z');
export const LATER = new Date('2025-03-01T10:30:00.000Z');

export const actors = {
  author: { id: 'u-author', role: 'owner', name: 'Ana Author' },
  approver: { id: 'u-approver', role: 'owner', name: 'Chris Approver' },
  otherOwner: { id: 'u-owner-2', role: 'owner' },
  admin: { id: 'u-admin', role: 'admin' },
  reviewer: { id: 'u-reviewer', role: 'reviewer' },
  reviewer2: { id: 'u-reviewer-2', role: 'reviewer' },
  integrator: { id: 'k-integrator', role: 'integrator' },
  viewer: { id: 'u-viewer', role: 'viewer' },
} as const satisfies Record<string, Actor>;

/** A valid definition that uses every step kind and makes all five clarity points explicit. */
export function fullDefinition(): WorkflowDefinition {
  return {
    inputSchema: {
      type: 'object',
      required: ['message', 'customerId'],
      additionalProperties: false,
      properties: {
        message: { type: 'string', minLength: 1 },
        customerId: { type: 'string', pattern: '^c-[0-9]+$' },
        email: { type: 'string', format: 'email' },
        order: {
          type: 'object',
          required: ['amount'],
          properties: { amount: { type: 'number', minimum: 0 } },
        },
      },
    },
    steps: [
      {
        id: 'classify',
        kind: 'rules',
        name: 'Classify the request',
        field: '/message',
        rules: [
          { label: 'refund', pattern: 'refund|money back', flags: 'i', confidence: 0.9 },
          { label: 'address', pattern: '\\baddress\\b', confidence: 0.8 },
        ],
        defaultLabel: 'other',
        defaultConfidence: 0.3,
        template: 'About your {{label}}: {{input.message}}',
      },
      {
        id: 'draft',
        kind: 'agent',
        provider: 'rules',
        model: 'rules-v1',
        prompt: 'Draft a reply to the customer.',
        outputSchema: { type: 'object', required: ['reply'], properties: { reply: { type: 'string' } } },
        minConfidence: 0.7,
        timeoutMs: 30_000,
        maxAttempts: 3,
      },
      { id: 'check', kind: 'validate', source: 'draft', schema: { type: 'object', required: ['reply'] }, minConfidence: 0.5 },
      {
        id: 'route',
        kind: 'route',
        source: 'classify',
        field: '/label',
        branches: [{ equals: 'refund', goto: 'approve' }],
        defaultGoto: 'send',
      },
      { id: 'approve', kind: 'approval', requiredRole: 'reviewer', instructions: 'Check the refund wording.' },
      {
        id: 'send',
        kind: 'action',
        action: 'send_reply',
        actionClass: 'customer_impacting',
        webhookUrl: 'https://hooks.example.test/send',
        argsFrom: 'draft',
      },
    ],
    boundary: {
      trigger: 'A customer email arrives in the support inbox.',
      allowedActions: [{ name: 'send_reply', actionClass: 'customer_impacting', mode: 'may_execute', description: 'Email the customer.' }],
      neverActions: ['issue_refund'],
      handOffs: [{ name: 'tier2', to: 'Tier 2 support queue', when: 'the customer asks for a person' }],
    },
    approvalPolicy: { requireApprovalFor: ['irreversible', 'customer_impacting'], minConfidence: 0.6, approverRole: 'reviewer' },
    exceptionPolicy: {
      low_confidence: { action: 'queue' },
      invalid_output: { action: 'retry', maxAttempts: 3, backoffMs: 1000, handOffTo: 'tier2' },
      tool_error: { action: 'retry', maxAttempts: 5, backoffMs: 2000 },
      missing_data: { action: 'hand_off', handOffTo: 'tier2' },
      timeout: { action: 'queue' },
    },
    slas: { approvalMinutes: 60, exceptionMinutes: 240, runMinutes: 1440 },
  };
}

/** Structurally valid but missing every optional part (boundary, policies, SLAs). */
export function bareDefinition(): WorkflowDefinition {
  return {
    inputSchema: { type: 'object' },
    steps: [{ id: 'only', kind: 'rules', field: '/text', rules: [], defaultLabel: 'x', defaultConfidence: 1 }],
  };
}

/** A workflow with an outcome and all three named owners, shadow stage, nothing published. */
export function makeWorkflow(overrides: Partial<Workflow> = {}): Workflow {
  return {
    id: 'wf-1',
    key: 'support-triage',
    name: 'Support triage',
    description: 'Triage inbound support email.',
    outcome: { statement: 'Answer customers faster.', targetMetric: 'median cycle time under 4h' },
    owners: { operationalOwnerId: 'u-ops', changeApproverId: actors.approver.id, failureReviewerId: 'u-failures' },
    rolloutStage: 'shadow',
    paused: false,
    pausedReason: null,
    publishedVersionId: null,
    evaluation: DEFAULT_EVALUATION_POLICY,
    createdBy: actors.author.id,
    createdAt: NOW,
    updatedAt: NOW,
    ...overrides,
  };
}

export function makeVersion(overrides: Partial<WorkflowVersion> = {}): WorkflowVersion {
  return {
    id: 'ver-1',
    workflowId: 'wf-1',
    version: 1,
    status: 'draft',
    definition: fullDefinition(),
    runbook: null,
    changeNote: 'first version',
    authorId: actors.author.id,
    approvedBy: null,
    approvedAt: null,
    rejectedBy: null,
    rejectedAt: null,
    rejectionReason: null,
    publishedBy: null,
    publishedAt: null,
    createdAt: NOW,
    ...overrides,
  };
}

export function makeRun(overrides: Partial<Run> = {}): Run {
  return {
    id: 'run-1',
    workflowId: 'wf-1',
    versionId: 'ver-1',
    mode: 'shadow',
    status: 'queued',
    input: { message: 'I want a refund', customerId: 'c-1' },
    inputHash: 'hash-1',
    idempotencyKey: 'idem-1',
    externalRef: null,
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
    ...overrides,
  };
}

export function makeApproval(overrides: Partial<ApprovalRequest> = {}): Approval {
  return requestApproval(
    {
      id: 'apr-1',
      runId: 'run-1',
      workflowId: 'wf-1',
      stepId: 'approve',
      actionName: 'send_reply',
      actionClass: 'customer_impacting',
      proposed: { reply: 'Hello, your refund is on its way.', tone: 'warm', meta: { lang: 'en', tags: ['refund'] } },
      requestedBy: actors.integrator.id,
      ...overrides,
    },
    NOW,
  ).state;
}

export function makeException(overrides: Partial<ExceptionItem> = {}, input: Partial<OpenExceptionInput> = {}): ExceptionItem {
  const opened = openException(
    { id: 'exc-1', runId: 'run-1', workflowId: 'wf-1', stepId: 'draft', reason: 'low_confidence', details: { confidence: 0.4 }, ...input },
    NOW,
  ).state;
  return { ...opened, ...overrides };
}

/** Runs `fn`, asserts it throws a DomainError with `code`, and returns the error for more checks. */
export function expectDomainError(fn: () => unknown, code: DomainErrorCode): DomainError {
  let thrown: unknown;
  try {
    fn();
  } catch (error) {
    thrown = error;
  }
  expect(thrown, `expected a DomainError with code ${code}`).toBeInstanceOf(DomainError);
  const error = thrown as DomainError;
  expect(error.code).toBe(code);
  return error;
}

/** A runbook with Overview, Contacts and one section per given exception reason. */
export function runbookFor(reasons: readonly string[], extra = ''): string {
  return [
    '# Support triage runbook',
    '## Overview',
    'Classifies support email and drafts replies.',
    '## Contacts',
    '- Operational owner: ops@example.test',
    ...reasons.flatMap((r) => [`## Exception: ${r}`, `Check the run's input, then retry or hand off (${r}).`]),
    extra,
  ].join('\n\n');
}
