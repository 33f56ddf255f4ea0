import type { WorkflowDefinition } from '@gatehouse/domain';

/**
 * Support triage: classify a ticket with rules and validate the result; how-to questions get a
 * help article straight away (reversible), everything else a drafted reply a reviewer approves
 * (customer-impacting). Actions go to the runner's ACTION_WEBHOOK_URL (the demo receiver).
 */
export const SUPPORT_TRIAGE: WorkflowDefinition = {
  inputSchema: {
    type: 'object',
    required: ['ticketId', 'customerEmail', 'message'],
    properties: {
      ticketId: { type: 'string', minLength: 1 },
      customerEmail: { type: 'string', format: 'email' },
      message: { type: 'string', minLength: 1, maxLength: 20000 },
    },
    additionalProperties: false,
  },
  steps: [
    {
      id: 'classify',
      kind: 'rules',
      field: '/message',
      rules: [
        { label: 'refund', pattern: '\\b(refund|money back|charged twice)\\b', flags: 'i', confidence: 0.92 },
        { label: 'outage', pattern: '\\b(down|outage|cannot log ?in|500 error)\\b', flags: 'i', confidence: 0.88 },
        { label: 'how_to', pattern: '\\b(how do i|how to|where can i)\\b', flags: 'i', confidence: 0.8 },
      ],
      defaultLabel: 'other',
      defaultConfidence: 0.4,
      template: 'Hello, thanks for reaching out about your {{label}} request (ticket {{input.ticketId}}). We are on it.',
    },
    {
      id: 'check',
      kind: 'validate',
      schema: { type: 'object', required: ['label', 'confidence'], properties: { label: { enum: ['refund', 'outage', 'how_to', 'other'] }, confidence: { type: 'number' } } },
      minConfidence: 0.6,
    },
    { id: 'branch', kind: 'route', source: 'classify', field: '/label', branches: [{ equals: 'how_to', goto: 'send-article' }], defaultGoto: 'reply' },
    { id: 'send-article', kind: 'action', action: 'send_help_article', actionClass: 'reversible', argsFrom: 'classify', end: true },
    { id: 'reply', kind: 'action', action: 'send_reply', actionClass: 'customer_impacting', argsFrom: 'classify' },
  ],
  boundary: {
    trigger: 'A new ticket arrives in the support inbox.',
    allowedActions: [
      { name: 'send_reply', actionClass: 'customer_impacting', mode: 'may_execute', description: 'Reply to the customer on the ticket.' },
      { name: 'send_help_article', actionClass: 'reversible', mode: 'may_execute', description: 'Send the matching help-centre article.' },
    ],
    neverActions: ['issue_refund', 'close_account'],
    handOffs: [{ name: 'tier2', to: 'Tier-2 support queue', when: 'Low confidence, outages or anything the rules cannot place.' }],
  },
  approvalPolicy: { requireApprovalFor: ['customer_impacting', 'irreversible'], minConfidence: 0.6, approverRole: 'reviewer' },
  exceptionPolicy: {
    low_confidence: { action: 'queue' },
    invalid_output: { action: 'queue' },
    tool_error: { action: 'retry', maxAttempts: 3, backoffMs: 500 },
    missing_data: { action: 'hand_off', handOffTo: 'tier2' },
    timeout: { action: 'retry', maxAttempts: 2, backoffMs: 1000 },
    policy_blocked: { action: 'queue' },
    model_error: { action: 'retry', maxAttempts: 3, backoffMs: 1000 },
  },
  slas: { approvalMinutes: 60, exceptionMinutes: 240, runMinutes: 480 },
};

/** Invoice approval: classify the spend, always gate the irreversible payment on a human. */
export const INVOICE_APPROVAL: WorkflowDefinition = {
  inputSchema: {
    type: 'object',
    required: ['invoiceId', 'supplier', 'amount', 'description'],
    properties: {
      invoiceId: { type: 'string' },
      supplier: { type: 'string' },
      amount: { type: 'number', exclusiveMinimum: 0 },
      currency: { type: 'string', default: 'EUR' },
      description: { type: 'string' },
    },
  },
  steps: [
    {
      id: 'categorise',
      kind: 'rules',
      field: '/description',
      rules: [
        { label: 'software', pattern: '\\b(licen[cs]e|subscription|saas)\\b', flags: 'i', confidence: 0.9 },
        { label: 'travel', pattern: '\\b(flight|hotel|train)\\b', flags: 'i', confidence: 0.85 },
      ],
      defaultLabel: 'uncategorised',
      defaultConfidence: 0.3,
    },
    { id: 'sign-off', kind: 'approval', requiredRole: 'owner', instructions: 'Check the amount against the purchase order.' },
    { id: 'pay', kind: 'action', action: 'schedule_payment', actionClass: 'irreversible' },
  ],
  boundary: {
    trigger: 'A supplier invoice is received by accounts payable.',
    allowedActions: [{ name: 'schedule_payment', actionClass: 'irreversible', mode: 'may_execute' }],
    neverActions: ['change_supplier_bank_details'],
    handOffs: [{ name: 'ap-team', to: 'Accounts payable team', when: 'Anything uncategorised or disputed.' }],
  },
  approvalPolicy: { requireApprovalFor: ['irreversible'], minConfidence: 0.7, approverRole: 'owner' },
  exceptionPolicy: {
    low_confidence: { action: 'hand_off', handOffTo: 'ap-team' },
    invalid_output: { action: 'queue' },
    tool_error: { action: 'retry', maxAttempts: 3, backoffMs: 2000 },
    missing_data: { action: 'queue' },
    timeout: { action: 'retry', maxAttempts: 2, backoffMs: 2000 },
  },
  slas: { approvalMinutes: 240, exceptionMinutes: 480 },
};

/**
 * The demo challenger of invoice-approval: the categoriser also knows taxis, ride-hailing and
 * SaaS seat top-ups. It shadows every live invoice run (docs/champion-challenger.md).
 */
export const INVOICE_APPROVAL_V2: WorkflowDefinition = {
  ...INVOICE_APPROVAL,
  steps: INVOICE_APPROVAL.steps.map((step) =>
    step.kind === 'rules' && step.id === 'categorise'
      ? {
          ...step,
          rules: [
            { label: 'software', pattern: '\\b(licen[cs]e|subscription|saas|seats?)\\b', flags: 'i', confidence: 0.92 },
            { label: 'travel', pattern: '\\b(flight|hotel|train|rail|taxi|ride)\\b', flags: 'i', confidence: 0.88 },
          ],
        }
      : step,
  ),
};
