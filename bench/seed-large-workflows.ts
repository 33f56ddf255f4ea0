/*
 * The workflow families `pnpm seed:large` spreads its 20 (or --workflows) workflows over, in
 * the demo workflows themselves (apps/api/src/seed/demo-workflows.ts), an agent variant of the
 * support one, and the bench's own.
 * Each family says which step ids a run walks through and where it can stop for a person, so
 * the generated history matches the definition the workflow's published version holds.
 */
import { INVOICE_APPROVAL, SUPPORT_TRIAGE } from '../apps/api/dist/seed/demo-workflows.js';
import { BENCH_DEFINITION } from './workflow.js';

export interface Family {
  name: string;
  definition: object;
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

const AGENT_REPLY = {
  inputSchema: SUPPORT_TRIAGE.inputSchema,
  steps: [
    SUPPORT_TRIAGE.steps[0]!,
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
