import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEYS, publishedWorkflow } from '../../test/fixtures.js';
import { expectError, startTestApi, type TestApi } from '../../test/test-api.js';
import { checkCostDrift } from '../alerts/cost-drift-check.js';

const CREATE = `mutation ($key: String!, $url: String!, $types: [String!]!, $description: String) {
  createWebhookSubscription(workflowKey: $key, url: $url, eventTypes: $types, description: $description) {
    secret subscription { id url eventTypes description enabled createdBy workflow { key } }
  }
}`;
const LIST = `query ($key: String) { webhookSubscriptions(workflowKey: $key) { id url eventTypes enabled } }`;
const UPDATE = `mutation ($id: ID!, $input: UpdateWebhookSubscriptionInput!) { updateWebhookSubscription(id: $id, input: $input) { id enabled eventTypes } }`;
const ROTATE = `mutation ($id: ID!) { rotateWebhookSecret(id: $id) { secret subscription { id secretRotatedAt } } }`;
const DELETE = `mutation ($id: ID!) { deleteWebhookSubscription(id: $id) }`;
const DELIVERIES = `query ($sub: ID, $status: String, $first: Int, $after: String) {
  webhookDeliveries(subscriptionId: $sub, status: $status, first: $first, after: $after) {
    edges { node { id eventType status series attempts runId payload lastResponseStatus attemptLog { series attempt responseStatus responseBody latencyMs error } } }
    pageInfo { hasNextPage endCursor }
  }
}`;
const REPLAY = `mutation ($id: ID!) { replayWebhookDelivery(deliveryId: $id) { id status series attempts nextAttemptAt } }`;
const NOW = new Date('2026-05-01T12:00:00.000Z');

let api: TestApi;

const auditOf = async (subjectId: string) => ((await api.ds.query(`SELECT action, data FROM audit_events WHERE subject_id = $1 ORDER BY seq`, [subjectId])) as Array<{ action: string; data: Record<string, unknown> }>);

beforeAll(async () => {
  api = await startTestApi();
  await publishedWorkflow(api, 'hooked');
  await publishedWorkflow(api, 'drifting');
});
afterAll(() => api.close());

describe('webhook subscriptions over GraphQL', () => {
  it('lets an integrator register an endpoint, returns the secret once, and audits every change without the secret', async () => {
    const { createWebhookSubscription: created } = await api.ok(KEYS.integrator, CREATE, { key: 'hooked', url: 'https://hooks.example.com/in?token=t0k', types: ['run.failed', 'run.completed'], description: 'CRM' });
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(created.subscription).toMatchObject({ eventTypes: ['run.completed', 'run.failed'], enabled: true, description: 'CRM', workflow: { key: 'hooked' } });
    const id = created.subscription.id as string;

    // The secret is not part of the subscription type: it cannot be read back.
    expectError(await api.gql(KEYS.integrator, `{ webhookSubscriptions { id secret } }`), 'GRAPHQL_VALIDATION_FAILED');
    expect((await api.ok(KEYS.integrator, LIST, { key: 'hooked' })).webhookSubscriptions.map((s: { id: string }) => s.id)).toContain(id);

    const disabled = await api.ok(KEYS.integrator, UPDATE, { id, input: { enabled: false, eventTypes: ['cost.drift'] } });
    expect(disabled.updateWebhookSubscription).toEqual({ id, enabled: false, eventTypes: ['cost.drift'] });
    const rotated = await api.ok(KEYS.integrator, ROTATE, { id });
    expect(rotated.rotateWebhookSecret.secret).not.toBe(created.secret);
    expect(await api.ok(KEYS.integrator, DELETE, { id })).toEqual({ deleteWebhookSubscription: id });
    expect((await api.ok(KEYS.admin, LIST, {})).webhookSubscriptions.map((s: { id: string }) => s.id)).not.toContain(id);

    const audit = await auditOf(id);
    expect(audit.map((e) => e.action)).toEqual(['webhook_subscription.created', 'webhook_subscription.updated', 'webhook_subscription.secret_rotated', 'webhook_subscription.deleted']);
    expect(audit[0]!.data).toMatchObject({ workflowKey: 'hooked', url: 'https://hooks.example.com/in?…' });
    const text = JSON.stringify(audit);
    expect(text).not.toContain(created.secret);
    expect(text).not.toContain(rotated.rotateWebhookSecret.secret);
    expect(text).not.toContain('t0k');
  });

  it('refuses bad input with clear errors', async () => {
    const bad = async (vars: Record<string, unknown>, pattern: RegExp) => {
      const result = await api.gql(KEYS.integrator, CREATE, { key: 'hooked', url: 'https://hooks.example.com/x', types: ['run.completed'], ...vars });
      expectError(result, 'BAD_USER_INPUT');
      expect(result.errors![0]!.message).toMatch(pattern);
    };
    await bad({ url: 'ftp://hooks.example.com/x' }, /must use http or https/);
    await bad({ url: 'not a url' }, /not a valid URL/);
    await bad({ url: 'https://user:pw@hooks.example.com/' }, /credentials/);
    await bad({ types: ['run.completed', 'run.exploded'] }, /Unknown webhook event type "run.exploded"; choose from run.completed, run.failed/);
    await bad({ types: [] }, /at least one event type/);
    await bad({ description: 'x'.repeat(501) }, /longer than 500/);
    expectError(await api.gql(KEYS.integrator, CREATE, { key: 'nope', url: 'https://hooks.example.com/x', types: ['run.completed'] }), 'NOT_FOUND');
    expectError(await api.gql(KEYS.reviewer, CREATE, { key: 'hooked', url: 'https://hooks.example.com/x', types: ['run.completed'] }), 'FORBIDDEN');
    expectError(await api.gql(KEYS.integrator, DELIVERIES, { status: 'lost' }), 'BAD_USER_INPUT');
  });

  it('refuses private and loopback targets where production rules apply', async () => {
    const production = await startTestApi({ webhookTargets: { allowPrivate: false } });
    try {
      await publishedWorkflow(production, 'guarded');
      for (const url of ['http://127.0.0.1:4010/hooks', 'http://localhost/hooks', 'http://169.254.169.254/latest', 'http://[::1]/', 'http://10.0.0.5/']) {
        const result = await production.gql(KEYS.integrator, CREATE, { key: 'guarded', url, types: ['run.completed'] });
        expectError(result, 'BAD_USER_INPUT');
        expect(result.errors![0]!.message).toMatch(/private or loopback/);
      }
    } finally {
      await production.close();
    }
  });

  it('lets integrators manage only their own subscriptions; owners manage all', async () => {
    const { createWebhookSubscription: owned } = await api.ok(KEYS.owner, CREATE, { key: 'hooked', url: 'https://hooks.example.com/owner', types: ['run.completed'] });
    const id = owned.subscription.id as string;
    expectError(await api.gql(KEYS.integrator, UPDATE, { id, input: { enabled: false } }), 'FORBIDDEN');
    expectError(await api.gql(KEYS.integrator, DELIVERIES, { sub: id }), 'FORBIDDEN');
    expect((await api.ok(KEYS.integrator, LIST, { key: 'hooked' })).webhookSubscriptions.map((s: { id: string }) => s.id)).not.toContain(id);
    expect((await api.ok(KEYS.admin, UPDATE, { id, input: { enabled: false } })).updateWebhookSubscription.enabled).toBe(false);
  });
});

describe('webhook events captured with their change', () => {
  it('captures cost.drift when an alert is raised, lists it with its attempts, and replays a finished delivery (audited)', async () => {
    const { createWebhookSubscription: created } = await api.ok(KEYS.integrator, CREATE, { key: 'drifting', url: 'https://hooks.example.com/drift', types: ['cost.drift'] });
    const sub = created.subscription.id as string;
    await api.ds.query(`UPDATE workflows SET evaluation = $2 WHERE key = $1`, ['drifting', JSON.stringify({ costBaselinePerRunUsd: 0.1, costDriftPercent: 25, costWindowHours: 24 })]);
    for (let i = 0; i < 10; i++) {
      const [run] = await api.ds.query(
        `INSERT INTO runs (workflow_id, version_id, mode, status, input, input_hash, idempotency_key, created_by, created_at)
         SELECT w.id, w.published_version_id, 'execute', 'completed', '{}', 'h', $2, w.created_by, $3 FROM workflows w WHERE w.key = $1 RETURNING id`,
        ['drifting', `drift-${i}`, new Date(NOW.getTime() - 3_600_000 + i * 1000)],
      );
      await api.ds.query(`INSERT INTO step_attempts (run_id, step_id, attempt, status, cost_usd) VALUES ($1, 'draft', 1, 'succeeded', 0.2)`, [run.id]);
    }
    const { raised } = await checkCostDrift(api.ds, NOW);
    expect(raised).toHaveLength(1);

    const { webhookDeliveries } = await api.ok(KEYS.integrator, DELIVERIES, { sub });
    expect(webhookDeliveries.edges).toHaveLength(1);
    const delivery = webhookDeliveries.edges[0].node;
    expect(delivery).toMatchObject({ eventType: 'cost.drift', status: 'pending', series: 1, attempts: 0, runId: null, attemptLog: [] });
    expect(delivery.payload).toMatchObject({ type: 'cost.drift', workflowKey: 'drifting', runId: null, data: { alertId: raised[0]!.id, state: 'detected', runs: 10, baselinePerRunUsd: 0.1 } });

    // Still pending: a replay would only duplicate it.
    expectError(await api.gql(KEYS.integrator, REPLAY, { id: delivery.id }), 'CONFLICT');
    // The dispatcher gave up on it (as the runner records a last failed attempt).
    await api.ds.query(`UPDATE webhook_deliveries SET status = 'failed', attempts = 8, last_response_status = 500 WHERE id = $1`, [delivery.id]);
    await api.ds.query(`INSERT INTO webhook_delivery_attempts (delivery_id, series, attempt, finished_at, response_status, response_body, latency_ms, error) VALUES ($1, 1, 1, now(), 500, 'oops', 12, 'answered 500')`, [delivery.id]);
    const failed = await api.ok(KEYS.integrator, DELIVERIES, { status: 'failed' });
    expect(failed.webhookDeliveries.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([delivery.id]);
    expect(failed.webhookDeliveries.edges[0].node.attemptLog).toEqual([{ series: 1, attempt: 1, responseStatus: 500, responseBody: 'oops', latencyMs: 12, error: 'answered 500' }]);

    const { replayWebhookDelivery: replayed } = await api.ok(KEYS.integrator, REPLAY, { id: delivery.id });
    expect(replayed).toMatchObject({ id: delivery.id, status: 'pending', series: 2, attempts: 0, nextAttemptAt: expect.any(String) });
    expect((await auditOf(delivery.id)).map((e) => [e.action, e.data['series']])).toEqual([['webhook_delivery.replayed', 2]]);
    expectError(await api.gql(KEYS.owner, REPLAY, { id: '00000000-0000-4000-8000-000000000000' }), 'NOT_FOUND');
  });

  it('captures nothing for a disabled subscription or an event type it did not ask for', async () => {
    const { createWebhookSubscription: created } = await api.ok(KEYS.integrator, CREATE, { key: 'drifting', url: 'https://hooks.example.com/other', types: ['run.completed'] });
    await api.ds.query(`UPDATE cost_alerts SET cleared_at = now() WHERE cleared_at IS NULL`);
    await checkCostDrift(api.ds, new Date(NOW.getTime() + 1000));
    expect((await api.ok(KEYS.integrator, DELIVERIES, { sub: created.subscription.id })).webhookDeliveries.edges).toEqual([]);
  });
});
