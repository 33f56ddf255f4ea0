/* A run and its audit trail as the API returns them, for component tests. */
export const RUN_ID = '3f2c1a9e-1b2c-4d5e-8f90-0123456789ab';

function step(stepId: string, stepKind: string, startedAt: string, extra: Record<string, unknown> = {}) {
  return {
    id: `att-${stepId}`,
    stepId,
    stepKind,
    attempt: 1,
    status: 'succeeded',
    input: { from: stepId },
    output: { label: 'how_to' },
    effectKey: null,
    provider: 'rules',
    model: 'rules-v1',
    promptVersion: null,
    tokensIn: null,
    tokensOut: null,
    costUsd: 0,
    latencyMs: 3,
    confidence: 0.8,
    validation: null,
    error: null,
    startedAt,
    finishedAt: startedAt,
    payloadPurgedAt: null,
    redactions: { total: 0, paths: [], detectors: [] },
    ...extra,
  };
}

export function runNode(overrides: Record<string, unknown> = {}) {
  return {
    id: RUN_ID,
    status: 'completed',
    mode: 'execute',
    version: 1,
    externalRef: 'T-1002',
    idempotencyKey: 'demo-T-1002',
    currentStepId: null,
    cancelReason: null,
    reopenCount: 0,
    reopenedAt: null,
    payloadPurgedAt: null,
    input: { ticketId: 'T-1002' },
    output: { sent: true },
    error: null,
    createdAt: '2024-01-01T10:00:00.000Z',
    startedAt: '2024-01-01T10:00:00.100Z',
    finishedAt: '2024-01-01T10:00:02.000Z',
    createdBy: { id: 'p-ivy', name: 'Ivy Integrator' },
    workflow: { key: 'support-triage', name: 'Support ticket triage' },
    steps: [
      step('classify', 'rules', '2024-01-01T10:00:00.200Z', { tokensIn: 120, tokensOut: 30, costUsd: 0.0042, latencyMs: 1250, model: 'gpt-x', provider: 'openai' }),
      step('check', 'validate', '2024-01-01T10:00:00.400Z'),
      step('branch', 'route', '2024-01-01T10:00:00.600Z'),
      step('send-article', 'action', '2024-01-01T10:00:01.000Z', { effectKey: 'run:send-article:1' }),
    ],
    approvals: [{ id: 'ap-1', stepId: 'reply', actionName: 'send_reply', actionClass: 'customer_impacting', status: 'approved', decision: 'approve', createdAt: '2024-01-01T10:00:01Z', decidedAt: '2024-01-01T10:00:01.5Z' }],
    exceptions: [{ id: 'ex-1', stepId: 'check', reason: 'low_confidence', status: 'resolved', resolution: 'retry', createdAt: '2024-01-01T10:00:00.5Z', resolvedAt: null }],
    ...overrides,
  };
}

function event(seq: number, action: string, occurredAt: string, data: Record<string, unknown> = {}) {
  return { id: `ev-${seq}`, seq, occurredAt, action, actorRole: 'integrator', subjectType: 'run', subjectId: RUN_ID, data, actor: { id: 'p-ivy', name: 'Ivy Integrator' } };
}

export const AUDIT = {
  auditTrail: {
    edges: [
      event(1, 'run.created', '2024-01-01T10:00:00.000Z'),
      event(2, 'run.started', '2024-01-01T10:00:00.100Z'),
      event(3, 'run.advanced', '2024-01-01T10:00:00.500Z', { stepId: 'check' }),
      event(4, 'run.completed', '2024-01-01T10:00:02.000Z'),
    ].map((node) => ({ node })),
    pageInfo: { hasNextPage: false },
  },
};
