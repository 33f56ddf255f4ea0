/*
 * The workflow families `pnpm seed:large` spreads its 20 (or --workflows) workflows over, in
 * the shapes of the demo workflows (apps/api/src/seed/demo-workflows.ts) and the bench's own.
 * Each family says which step ids a run walks through and where it can stop for a person, so
 * the generated history matches the definition the workflow's published version holds.
 */
import { BENCH_DEFINITION } from './workflow.js';

export interface Family {
  name: string;
  definition: Record<string, unknown>;
  /** Step ids in the order a run walks them (a route's default branch). */
  steps: string[];
  kinds: string[];
  /** Replaces the last step id on runs that took the route's other branch (no approval). */
  altLast: string | null;
  /** 1-based step the approval gates (0: none), the action class and role behind it. */
  gateStep: number;
  gateActionClass: string;
  gateRole: 'owner' | 'reviewer';
  /** Share of draft/execute runs that need that approval. */
  approvalRate: number;
  /** 1-based step exceptions are raised on (missing inputs always raise on step 1). */
  exceptionStep: number;
  /** 1-based agent step that costs money (0: none). */
  agentStep: number;
  /** Input field an incomplete input lacks. */
  missingField: string;
  slaApprovalMinutes: number;
  slaExceptionMinutes: number;
}

const EXCEPTION_POLICY = {
  low_confidence: { action: 'queue' },
  invalid_output: { action: 'queue' },
  tool_error: { action: 'retry', maxAttempts: 3, backoffMs: 500 },
  missing_data: { action: 'hand_off', handOffTo: 'tier2' },
  timeout: { action: 'retry', maxAttempts: 2, backoffMs: 1000 },
  policy_blocked: { action: 'queue' },
  model_error: { action: 'retry', maxAttempts: 3, backoffMs: 1000 },
};

const TICKET_INPUT = {
  type: 'object',
  required: ['ticketId', 'customerEmail', 'message'],
  properties: { ticketId: { type: 'string', minLength: 1 }, customerEmail: { type: 'string' }, message: { type: 'string', minLength: 1, maxLength: 20000 } },
};

const CLASSIFY = {
  id: 'classify',
  kind: 'rules',
  field: '/message',
  rules: [
    { label: 'refund', pattern: '\\b(refund|money back|charged twice)\\b', flags: 'i', confidence: 0.92 },
    { label: 'outage', pattern: '\\b(down|outage|cannot log ?in)\\b', flags: 'i', confidence: 0.88 },
    { label: 'how_to', pattern: '\\b(how do i|how to|where can i)\\b', flags: 'i', confidence: 0.8 },
  ],
  defaultLabel: 'other',
  defaultConfidence: 0.4,
};

const SUPPORT_TRIAGE = {
  inputSchema: TICKET_INPUT,
  steps: [
    CLASSIFY,
    { id: 'check', kind: 'validate', schema: { type: 'object', required: ['label', 'confidence'] }, minConfidence: 0.6 },
    { id: 'branch', kind: 'route', source: 'classify', field: '/label', branches: [{ equals: 'how_to', goto: 'send-article' }], defaultGoto: 'reply' },
    { id: 'send-article', kind: 'action', action: 'send_help_article', actionClass: 'reversible', argsFrom: 'classify', end: true },
    { id: 'reply', kind: 'action', action: 'send_reply', actionClass: 'customer_impacting', argsFrom: 'classify' },
  ],
  boundary: {
    trigger: 'A new ticket arrives in the support inbox.',
    allowedActions: [
      { name: 'send_reply', actionClass: 'customer_impacting', mode: 'may_execute' },
      { name: 'send_help_article', actionClass: 'reversible', mode: 'may_execute' },
    ],
    neverActions: ['issue_refund', 'close_account'],
    handOffs: [{ name: 'tier2', to: 'Tier-2 support queue', when: 'Low confidence or anything the rules cannot place.' }],
  },
  approvalPolicy: { requireApprovalFor: ['customer_impacting', 'irreversible'], minConfidence: 0.6, approverRole: 'reviewer' },
  exceptionPolicy: EXCEPTION_POLICY,
  slas: { approvalMinutes: 60, exceptionMinutes: 240, runMinutes: 480 },
};

const AGENT_REPLY = {
  inputSchema: TICKET_INPUT,
  steps: [
    CLASSIFY,
    {
      id: 'draft',
      kind: 'agent',
      provider: 'openai',
      model: 'gpt-4o-mini',
      prompt: 'Draft a reply to the customer.',
      outputSchema: { type: 'object', required: ['reply'], properties: { reply: { type: 'string' } } },
      minConfidence: 0.7,
      timeoutMs: 30_000,
      maxAttempts: 3,
    },
    { id: 'check', kind: 'validate', source: 'draft', schema: { type: 'object', required: ['reply'] }, minConfidence: 0.5 },
    { id: 'send', kind: 'action', action: 'send_reply', actionClass: 'customer_impacting', argsFrom: 'draft' },
  ],
  boundary: {
    trigger: 'A ticket needs a written answer.',
    allowedActions: [{ name: 'send_reply', actionClass: 'customer_impacting', mode: 'may_execute' }],
    neverActions: ['issue_refund'],
    handOffs: [{ name: 'tier2', to: 'Tier-2 support queue', when: 'The draft is not good enough.' }],
  },
  approvalPolicy: { requireApprovalFor: ['customer_impacting', 'irreversible'], minConfidence: 0.7, approverRole: 'reviewer' },
  exceptionPolicy: EXCEPTION_POLICY,
  slas: { approvalMinutes: 60, exceptionMinutes: 240 },
};

const INVOICE_APPROVAL = {
  inputSchema: {
    type: 'object',
    required: ['invoiceId', 'supplier', 'amount', 'description'],
    properties: { invoiceId: { type: 'string' }, supplier: { type: 'string' }, amount: { type: 'number', exclusiveMinimum: 0 }, description: { type: 'string' } },
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
    handOffs: [{ name: 'tier2', to: 'Accounts payable team', when: 'Anything uncategorised or disputed.' }],
  },
  approvalPolicy: { requireApprovalFor: ['irreversible'], minConfidence: 0.7, approverRole: 'owner' },
  exceptionPolicy: EXCEPTION_POLICY,
  slas: { approvalMinutes: 240, exceptionMinutes: 480 },
};

export const FAMILIES: Family[] = [
  {
    name: 'support-triage',
    definition: SUPPORT_TRIAGE,
    steps: ['classify', 'check', 'branch', 'reply'],
    kinds: ['rules', 'validate', 'route', 'action'],
    altLast: 'send-article',
    gateStep: 4,
    gateActionClass: 'customer_impacting',
    gateRole: 'reviewer',
    approvalRate: 0.6,
    exceptionStep: 2,
    agentStep: 0,
    missingField: 'customerEmail',
    slaApprovalMinutes: 60,
    slaExceptionMinutes: 240,
  },
  {
    name: 'agent-reply',
    definition: AGENT_REPLY,
    steps: ['classify', 'draft', 'check', 'send'],
    kinds: ['rules', 'agent', 'validate', 'action'],
    altLast: null,
    gateStep: 4,
    gateActionClass: 'customer_impacting',
    gateRole: 'reviewer',
    approvalRate: 0.35,
    exceptionStep: 2,
    agentStep: 2,
    missingField: 'customerEmail',
    slaApprovalMinutes: 60,
    slaExceptionMinutes: 240,
  },
  {
    name: 'invoice-approval',
    definition: INVOICE_APPROVAL,
    steps: ['categorise', 'sign-off', 'pay'],
    kinds: ['rules', 'approval', 'action'],
    altLast: null,
    gateStep: 2,
    gateActionClass: 'irreversible',
    gateRole: 'owner',
    approvalRate: 1,
    exceptionStep: 1,
    agentStep: 0,
    missingField: 'amount',
    slaApprovalMinutes: 240,
    slaExceptionMinutes: 480,
  },
  {
    name: 'help-articles',
    definition: BENCH_DEFINITION,
    steps: ['classify', 'check', 'send-article'],
    kinds: ['rules', 'validate', 'action'],
    altLast: null,
    gateStep: 0,
    gateActionClass: 'reversible',
    gateRole: 'reviewer',
    approvalRate: 0,
    exceptionStep: 2,
    agentStep: 0,
    missingField: 'message',
    slaApprovalMinutes: 60,
    slaExceptionMinutes: 240,
  },
];

/** Workflow keys: a family name and a team/region suffix, unique per index. */
const SUFFIXES = ['eu', 'us', 'apac', 'enterprise', 'smb', 'partners', 'billing', 'returns', 'onboarding', 'vip'];
export function workflowKey(index: number): string {
  const family = FAMILIES[index % FAMILIES.length]!;
  const suffix = SUFFIXES[Math.floor(index / FAMILIES.length) % SUFFIXES.length]!;
  const round = Math.floor(index / (FAMILIES.length * SUFFIXES.length));
  return `${family.name}-${suffix}${round > 0 ? `-${round + 1}` : ''}`;
}
