/* API answers shaped like the demo data (support-triage published v1, v2 proposed). */
const owner = { id: 'p-owner', name: 'Olive Owner', email: 'olive@gatehouse.dev' };
const approver = { id: 'p-approver', name: 'Oscar Approver', email: 'oscar@gatehouse.dev' };
const reviewer = { id: 'p-rita', name: 'Rita Reviewer', email: 'rita@gatehouse.dev' };

export const DEFINITION_V1 = {
  inputSchema: { type: 'object' },
  steps: [
    { id: 'classify', kind: 'rules' },
    { id: 'reply', kind: 'action', action: 'send_reply', actionClass: 'customer_impacting' },
  ],
  boundary: {
    trigger: 'A new ticket arrives in the support inbox.',
    allowedActions: [{ name: 'send_reply', actionClass: 'customer_impacting', mode: 'may_execute' }],
    neverActions: ['issue_refund'],
    handOffs: [{ name: 'tier2', to: 'Tier-2 support queue', when: 'Low confidence' }],
  },
  approvalPolicy: { requireApprovalFor: ['customer_impacting'], minConfidence: 0.6 },
  exceptionPolicy: { low_confidence: { action: 'queue' }, tool_error: { action: 'retry', maxAttempts: 3 } },
};
export const RUNBOOK_V1 = '## Overview\n\nClassifies tickets.\n\n## Contacts\n\nOlive Owner.\n\n## Exception: low_confidence\n\nRead the ticket and set the label.';
const missingSection = (reason: string | null, heading: string) => ({ heading, reason, message: `Add a "## ${heading}" section.` });
export const RUNBOOK_MISSING_V2 = { complete: false, missing: [missingSection(null, 'Overview'), missingSection(null, 'Contacts'), missingSection('low_confidence', 'Exception: low_confidence')] };
export const DEFINITION_V2 = { ...DEFINITION_V1, approvalPolicy: { requireApprovalFor: ['customer_impacting'], minConfidence: 0.75 } };

const version = (n: number, status: string, definition: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  id: `v-${n}`,
  version: n,
  status,
  definition,
  changeNote: n === 1 ? 'Initial demo version.' : 'Raise the confidence bar',
  createdAt: '2025-03-01T10:00:00Z',
  approvedAt: null,
  rejectedAt: null,
  rejectionReason: null,
  publishedAt: status === 'published' ? '2025-03-01T11:00:00Z' : null,
  author: owner,
  approvedBy: status === 'published' ? approver : null,
  publishedBy: status === 'published' ? owner : null,
  publishReadiness: { ready: true, missing: [] },
  runbook: n === 1 ? RUNBOOK_V1 : null,
  runbookCheck: n === 1 ? { complete: true, missing: [] } : RUNBOOK_MISSING_V2,
  ...extra,
});

export function workflowDetail(overrides: Record<string, unknown> = {}) {
  return {
    workflow: {
      id: 'wf-1',
      key: 'support-triage',
      name: 'Support ticket triage',
      description: 'Classifies tickets.',
      rolloutStage: 'shadow',
      paused: false,
      pausedReason: null,
      outcome: { statement: 'Tickets get a correct first answer fast', targetMetric: 'p50 first reply under 2h' },
      operationalOwner: owner,
      changeApprover: approver,
      failureReviewer: reviewer,
      health: { status: 'attention', windowHours: 24, finishedRuns: 2, failedRuns: 0, signals: [{ kind: 'open_exceptions', severity: 'attention', count: 1, message: '1 exception waits in the queue within SLA.' }] },
      readiness: null,
      publishedVersion: { version: 1 },
      versions: [version(2, 'proposed', DEFINITION_V2), version(1, 'published', DEFINITION_V1)],
      ...overrides,
    },
  };
}

export function promotion(overrides: Record<string, unknown> = {}) {
  return {
    workflow: {
      key: 'support-triage',
      rolloutStage: 'shadow',
      changeApprover: { id: approver.id, name: approver.name },
      promotionReadiness: {
        from: 'shadow',
        to: 'draft',
        allowed: false,
        missing: [
          { check: 'sample_size', message: 'only 2 judged human outcomes recorded; 20 needed' },
          { check: 'sign_off', message: "the change approver's sign-off for draft is missing (missing)" },
        ],
        agreement: { agreed: 2, sampleSize: 2, rate: 1, threshold: 0.9, minSampleSize: 20, meetsThreshold: false },
        signOffState: 'missing',
        signOff: null,
        readinessRequired: false,
        readiness: null,
        ...overrides,
      },
    },
  };
}

/** A recorded readiness assessment; `unmet` lists the criteria answered not met. */
export function readinessAssessment(unmet: string[] = []) {
  const criteria = ['realVolume', 'visibleDragOrRework', 'understandableFailureModes', 'approvalsDefinable', 'outcomeMeasurable', 'namedBusinessOwner'].map((criterion) => ({
    criterion,
    met: !unmet.includes(criterion),
    evidence: unmet.includes(criterion) ? '' : `Evidence for ${criterion}`,
  }));
  const metCount = criteria.filter((c) => c.met).length;
  return { id: 'ra-1', ready: metCount === 6, score: metCount / 6, metCount, assessedAt: '2025-03-02T09:30:00Z', assessedBy: { id: owner.id, name: owner.name }, criteria };
}

/** A valid sign-off by the change approver for `toStage`. */
export function signOff(toStage = 'draft') {
  return {
    id: 'so-1',
    toStage,
    note: 'Shadow results reviewed with finance',
    signedOffAt: '2025-03-02T10:00:00Z',
    expiresAt: '2025-03-09T10:00:00Z',
    consumedAt: null,
    signedOffBy: { id: approver.id, name: approver.name },
  };
}

/** The workflow as the challenger panel reads it: v2 approved and attachable, v3 attached when `challenger` is given. */
export function challengerWorkflow(challenger: Record<string, unknown> | null = null) {
  return {
    key: 'support-triage',
    paused: false,
    publishedVersion: { version: 1 },
    versions: [
      { id: 'v-3', version: 3, status: 'approved', changeNote: 'gpt-4.1-mini instead of gpt-4o' },
      { id: 'v-2', version: 2, status: 'rejected', changeNote: 'looser refund rule' },
      { id: 'v-1', version: 1, status: 'published', changeNote: 'first version' },
    ],
    challenger,
  };
}

/** A challenger (v3) with its comparison; `gate` overrides the switch gate's figures. */
export function attachedChallenger(gate: Record<string, unknown> = {}) {
  const side = (runs: number, failed: number, cost: number, p50: number, p95: number) => ({ runs, failed, costPerRunUsd: cost, latencyP50Ms: p50, latencyP95Ms: p95 });
  return {
    sharePercent: 25,
    changes: ['model'],
    attachedAt: '2025-03-01T09:00:00Z',
    attachedBy: { name: 'Olive Owner' },
    version: { version: 3, changeNote: 'gpt-4.1-mini instead of gpt-4o' },
    comparison: {
      pairs: 42,
      finished: 40,
      vsChampion: { agreed: 36, sampleSize: 40, rate: 0.9 },
      vsHuman: { agreed: 9, sampleSize: 10, rate: 0.9 },
      gate: { agreed: 27, sampleSize: 30, rate: 0.9, threshold: 0.9, minSampleSize: 30, meetsThreshold: true, ...gate },
      champion: side(41, 0, 0.0042, 850, 1900),
      challenger: side(40, 2, 0.0011, 420, 760),
    },
  };
}
