import { findFreePort } from '../packages/db/dist/index.js';
import { raisableExceptionReasons, type WorkflowDefinition } from '../packages/domain/dist/index.js';
import { spawnNode, waitForHttp, type NodeProcess } from './processes.js';

export const BENCH_WORKFLOW_KEY = 'bench-triage';

/**
 * The bench's 3-step workflow: a rules classifier, a validation with a confidence floor, and a
 * reversible action (a signed webhook to the bench's receiver). In execute mode a how-to
 * question goes straight through: no approval (reversible is not gated), no exception.
 */
export const BENCH_DEFINITION = {
  inputSchema: {
    type: 'object',
    required: ['ticketId', 'message'],
    properties: { ticketId: { type: 'string', minLength: 1 }, message: { type: 'string', minLength: 1, maxLength: 2000 } },
    additionalProperties: false,
  },
  steps: [
    {
      id: 'classify',
      kind: 'rules',
      field: '/message',
      rules: [
        { label: 'how_to', pattern: '\\b(how do i|how to|where can i)\\b', flags: 'i', confidence: 0.9 },
        { label: 'refund', pattern: '\\b(refund|money back)\\b', flags: 'i', confidence: 0.9 },
      ],
      defaultLabel: 'other',
      defaultConfidence: 0.3,
    },
    {
      id: 'check',
      kind: 'validate',
      schema: { type: 'object', required: ['label', 'confidence'], properties: { label: { enum: ['how_to', 'refund', 'other'] }, confidence: { type: 'number' } } },
      minConfidence: 0.6,
    },
    { id: 'send-article', kind: 'action', action: 'send_help_article', actionClass: 'reversible', argsFrom: 'classify' },
  ],
  boundary: {
    trigger: 'A support ticket arrives (benchmark traffic).',
    allowedActions: [{ name: 'send_help_article', actionClass: 'reversible', mode: 'may_execute' }],
    neverActions: ['issue_refund'],
    handOffs: [{ name: 'tier2', to: 'Tier-2 support queue', when: 'Anything the rules cannot place.' }],
  },
  approvalPolicy: { requireApprovalFor: ['customer_impacting', 'irreversible'], minConfidence: 0.6 },
  exceptionPolicy: {
    low_confidence: { action: 'queue' },
    invalid_output: { action: 'queue' },
    tool_error: { action: 'retry', maxAttempts: 3, backoffMs: 200 },
    missing_data: { action: 'hand_off', handOffTo: 'tier2' },
    timeout: { action: 'retry', maxAttempts: 2, backoffMs: 200 },
  },
  slas: { approvalMinutes: 60, exceptionMinutes: 240 },
};

/** A run input that takes the straight-through path (how_to, confidence 0.9). */
export function benchInput(ticketId: string): { ticketId: string; message: string } {
  return { ticketId, message: 'How do I export my data to CSV?' };
}

export const KEYS = { admin: 'gh_dev_admin', owner: 'gh_dev_owner', approver: 'gh_dev_approver', integrator: 'gh_dev_integrator' } as const;

export interface RunningApi {
  proc: NodeProcess;
  graphqlUrl: string;
}

/** BENCH_API_ENV="NAME=value,NAME=value": API settings to try (e.g. METRICS_REFRESH_INTERVAL_MS=0). */
function apiOverrides(): Record<string, string> {
  const pairs = (process.env.BENCH_API_ENV ?? '').split(',').map((p) => p.trim()).filter(Boolean);
  return Object.fromEntries(pairs.map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)]));
}

/** The API process from its build, with the development principals and no demo data. */
export async function startApi(databaseUrl: string): Promise<RunningApi> {
  const port = await findFreePort();
  const proc = spawnNode('api', 'apps/api/dist/main.js', {
    DATABASE_URL: databaseUrl,
    API_PORT: String(port),
    SEED_DEMO_DATA: 'false',
    SEED_DEV_PRINCIPALS: 'true',
    LOG_LEVEL: 'warn',
    NODE_ENV: 'development',
    // The limiter stays on (its cost is part of what is measured), but a bench is one key on one
    // address by design: a BENCH_API_RATE above the defaults must measure the API, not the limiter.
    API_RATE_LIMIT_PER_KEY: String(Math.max(3000, Number(process.env.BENCH_API_RATE ?? 200) * 20)),
    API_RATE_LIMIT_PER_IP: String(Math.max(6000, Number(process.env.BENCH_API_RATE ?? 200) * 40)),
    ...apiOverrides(),
  });
  await waitForHttp(`http://127.0.0.1:${port}/readyz`, proc, 60_000);
  return { proc, graphqlUrl: `http://127.0.0.1:${port}/graphql` };
}

export async function gql<T = Record<string, unknown>>(url: string, key: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': key }, body: JSON.stringify({ query, variables }) });
  const body = (await res.json()) as { data?: T; errors?: unknown[] };
  if (!res.ok || body.errors) throw new Error(`GraphQL ${res.status}: ${JSON.stringify(body.errors ?? body)}`);
  return body.data as T;
}

/**
 * Creates the bench workflow through the real API, as its owners would: create, propose, approve
 * (the change approver, not the author), publish, then promote shadow → draft → execute.
 */
export async function createBenchWorkflow(url: string): Promise<void> {
  const key = BENCH_WORKFLOW_KEY;
  await gql(url, KEYS.owner, `mutation ($input: CreateWorkflowInput!) { createWorkflow(input: $input) { key } }`, {
    input: {
      key,
      name: 'Benchmark triage',
      outcome: { statement: 'How-to tickets get the right help article at once.', targetMetric: 'p99 run latency under 1s' },
      owners: { operationalOwner: 'olive@gatehouse.dev', changeApprover: 'oscar@gatehouse.dev', failureReviewer: 'rita@gatehouse.dev' },
    },
  });
  const proposed = await gql<{ proposeWorkflowVersion: { version: number; publishReadiness: { ready: boolean; missing: unknown[] } } }>(
    url,
    KEYS.owner,
    `mutation ($key: String!, $def: JSONObject!, $runbook: String) { proposeWorkflowVersion(workflowKey: $key, definition: $def, changeNote: "bench", runbook: $runbook) { version publishReadiness { ready missing { point item message } } } }`,
    { key, def: BENCH_DEFINITION, runbook: benchRunbook() },
  );
  if (!proposed.proposeWorkflowVersion.publishReadiness.ready) throw new Error(`bench workflow is not ready to publish: ${JSON.stringify(proposed.proposeWorkflowVersion.publishReadiness.missing)}`);
  const version = proposed.proposeWorkflowVersion.version;
  await gql(url, KEYS.approver, `mutation ($key: String!, $v: Int!) { approveWorkflowVersion(workflowKey: $key, version: $v, note: "bench") { status } }`, { key, v: version });
  await gql(url, KEYS.owner, `mutation ($key: String!, $v: Int!) { publishWorkflowVersion(workflowKey: $key, version: $v) { key } }`, { key, v: version });
  // The bench measures the execute path, not shadow evaluation: an admin overrides the promotion gate (audited).
  for (const stage of ['draft', 'execute']) {
    await gql(url, KEYS.admin, `mutation ($key: String!, $stage: RolloutStage!) { setRolloutStage(workflowKey: $key, stage: $stage, reason: "benchmark", override: true) { rolloutStage } }`, { key, stage });
  }
}

/** Execute needs a complete runbook (docs/runbooks.md): one section per raisable reason. */
function benchRunbook(): string {
  const reasons = raisableExceptionReasons(BENCH_DEFINITION as unknown as WorkflowDefinition);
  return ['## Overview', 'Benchmark triage.', '## Contacts', 'The person running the bench.', ...reasons.flatMap((r) => [`## Exception: ${r}`, 'Benchmark: nothing to do.'])].join('\n\n');
}
