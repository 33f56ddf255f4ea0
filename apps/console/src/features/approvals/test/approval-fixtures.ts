/* Approvals as the API returns them, for component tests. */
export const PROPOSED = {
  label: 'refund',
  confidence: 0.92,
  text: 'Hello, thanks for reaching out about your refund request (ticket T-1001). We are on it.',
  tags: ['billing'],
};

export function approvalNode(overrides: Record<string, unknown> = {}) {
  return {
    id: 'a-1',
    runId: 'r-1',
    stepId: 'reply',
    actionName: 'send_reply',
    actionClass: 'customer_impacting',
    requiredRole: 'reviewer',
    status: 'pending',
    decision: null,
    proposed: PROPOSED,
    edited: null,
    diff: null,
    reason: null,
    dueAt: new Date(Date.now() + 55.5 * 60_000).toISOString(),
    createdAt: new Date(Date.now() - 5 * 60_000).toISOString(),
    decidedAt: null,
    decisionBlockedReason: null,
    runbookSection: { heading: 'Approval: reply', markdown: 'Check the **reply wording** before it goes out.' },
    requiredApprovals: 1,
    approvalCount: 0,
    decisions: [],
    workflow: { key: 'support-triage', name: 'Support ticket triage' },
    run: { id: 'r-1', externalRef: 'T-1001', status: 'waiting_approval', mode: 'execute', input: { ticketId: 'T-1001' } },
    requestedBy: { id: 'p-ivy', name: 'Ivy Integrator' },
    decidedBy: null,
    ...overrides,
  };
}

export function approvalsConnection(nodes: ReturnType<typeof approvalNode>[]) {
  return {
    approvals: {
      edges: nodes.map((n) => ({ node: n })),
      pageInfo: { hasNextPage: false, endCursor: null },
    },
  };
}
