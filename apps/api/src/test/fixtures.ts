import { apiKeyPrefix } from '@gatehouse/db';
import { raisableExceptionReasons, type WorkflowDefinition } from '@gatehouse/domain';
import { SUPPORT_TRIAGE } from '../seed/demo-workflows.js';
import type { TestApi } from './test-api.js';

export const KEYS = {
  admin: 'gh_dev_admin',
  owner: 'gh_dev_owner',
  approver: 'gh_dev_approver',
  reviewer: 'gh_dev_reviewer',
  reviewer2: 'gh_dev_reviewer2',
  integrator: 'gh_dev_integrator',
  viewer: 'gh_dev_viewer',
} as const;

export const OWNERS = {
  operationalOwner: 'olive@gatehouse.dev',
  changeApprover: 'oscar@gatehouse.dev',
  failureReviewer: 'rita@gatehouse.dev',
};

export const DEFINITION: WorkflowDefinition = SUPPORT_TRIAGE;

export const VALID_INPUT = { ticketId: 'T-1', customerEmail: 'sam@example.com', message: 'Please refund me' };

export const CREATE_WORKFLOW = `mutation ($input: CreateWorkflowInput!) { createWorkflow(input: $input) { id key rolloutStage paused } }`;
export const PROPOSE = `mutation ($key: String!, $def: JSONObject!, $note: String, $runbook: String) { proposeWorkflowVersion(workflowKey: $key, definition: $def, changeNote: $note, runbook: $runbook) { id version status } }`;
export const APPROVE = `mutation ($key: String!, $v: Int!) { approveWorkflowVersion(workflowKey: $key, version: $v) { version status approvedBy { email } } }`;
export const PUBLISH = `mutation ($key: String!, $v: Int!) { publishWorkflowVersion(workflowKey: $key, version: $v) { key publishedVersion { version status } } }`;
export const ASSIGN_REVIEWER = `mutation ($key: String!, $p: String!) { assignReviewer(workflowKey: $key, principal: $p) { key reviewers { email } } }`;
export const UNASSIGN_REVIEWER = `mutation ($key: String!, $p: String!) { unassignReviewer(workflowKey: $key, principal: $p) { key reviewers { email } } }`;
export const START_RUN = `mutation ($key: String!, $input: JSON!, $idem: String!, $ref: String) { startRun(workflowKey: $key, input: $input, idempotencyKey: $idem, externalRef: $ref) { replayed run { id status mode currentStepId } } }`;

/**
 * A published workflow, created and released the way an owner and approver would, with both
 * dev reviewers assigned (per-workflow scoping) unless `reviewers` says otherwise.
 */
export async function publishedWorkflow(api: TestApi, key: string, definition: WorkflowDefinition = DEFINITION, reviewers: readonly string[] = REVIEWER_EMAILS): Promise<void> {
  await api.ok(KEYS.owner, CREATE_WORKFLOW, {
    input: { key, name: `Workflow ${key}`, outcome: { statement: 'Faster first replies', targetMetric: 'p50 under 2h' }, owners: OWNERS },
  });
  await api.ok(KEYS.owner, PROPOSE, { key, def: definition, runbook: runbookFor(definition) });
  await api.ok(KEYS.approver, APPROVE, { key, v: 1 });
  await api.ok(KEYS.owner, PUBLISH, { key, v: 1 });
  for (const p of reviewers) await api.ok(KEYS.owner, ASSIGN_REVIEWER, { key, p });
}

/** The dev reviewers' emails (KEYS.reviewer, KEYS.reviewer2). */
export const REVIEWER_EMAILS = ['rita@gatehouse.dev', 'rafael@gatehouse.dev'] as const;

export async function startRun(api: TestApi, key: string, idem: string, input: unknown = VALID_INPUT, apiKey: string = KEYS.integrator): Promise<string> {
  const data = await api.ok<{ startRun: { run: { id: string } } }>(apiKey, START_RUN, { key, input, idem });
  return data.startRun.run.id;
}

/** A complete runbook for a definition (docs/runbooks.md), so its workflow may go to execute. */
export function runbookFor(definition: WorkflowDefinition, extra = ''): string {
  const reasons = raisableExceptionReasons(definition);
  return ['## Overview', 'What it does.', '## Contacts', 'ops@example.test', ...reasons.flatMap((r) => [`## Exception: ${r}`, `What to do on ${r}.`]), extra].join('\n\n');
}

/**
 * A key with `key`'s prefix and a made-up secret. Built from the prefix, not by cutting at the
 * last '_': the secret is base64url and may itself hold '_' (a key whose secret ended in one gave
 * an over-long "wrong secret" that was refused as malformed, never counted against the prefix).
 */
export function wrongSecretFor(key: string, suffix: string | number = '', filler = 'w'): string {
  return `gh_${apiKeyPrefix(key)}_${filler.repeat(32)}${suffix}`;
}
