import { cleanup, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { gqlError, renderAt, stubGraphQL, type Answer } from '../../../test/graphql-stub.js';
import { WebhooksPage } from './webhooks-page.js';

afterEach(() => vi.unstubAllGlobals());

const MANAGE = ['me', 'workflows', 'webhookSubscriptions', 'webhookDeliveries', 'createWebhookSubscription', 'updateWebhookSubscription', 'replayWebhookDelivery'];

const subscription = { id: 'sub-1', url: 'https://crm.example.com/hooks', eventTypes: ['run.completed', 'run.failed'], description: 'CRM sync', enabled: true, createdAt: '2026-05-01T10:00:00.000Z', workflow: { key: 'support-triage', name: 'Support triage' } };
const delivery = (id: string, status: string, extra: Record<string, unknown> = {}) => ({
  node: { id, subscriptionId: 'sub-1', eventType: 'run.completed', runId: 'run-1', status, series: 1, attempts: 1, lastResponseStatus: 200, lastError: null, nextAttemptAt: null, createdAt: '2026-05-01T10:05:00.000Z', ...extra },
});

function render(operations: string[], handlers: Record<string, (v: Record<string, unknown>) => Answer> = {}) {
  const requests = stubGraphQL(() => ({ id: 'p-1', name: 'Ivy Integrator', email: 'ivy@x', role: 'integrator', operations }), {
    ConsoleWebhookSubscriptions: () => ({ data: { webhookSubscriptions: [subscription] } }),
    ConsoleWebhookDeliveries: () => ({
      data: { webhookDeliveries: { edges: [delivery('d-1', 'succeeded'), delivery('d-2', 'failed', { attempts: 8, lastResponseStatus: 503, lastError: 'https://crm.example.com/hooks answered 503' }), delivery('d-3', 'pending', { attempts: 2, lastResponseStatus: 500 })] } },
    }),
    ConsoleWebhookWorkflows: () => ({ data: { workflows: [{ key: 'support-triage', name: 'Support triage' }] } }),
    ...handlers,
  });
  renderAt({ path: '/webhooks', routes: { '/webhooks': <WebhooksPage /> }, apiKey: 'gh_dev_integrator' });
  return requests;
}

const rowOf = (text: string) => screen.getByRole('cell', { name: text }).closest('tr')!;

describe('WebhooksPage', () => {
  it('lists endpoints and recent deliveries with status, response code and attempts; replays a finished one', async () => {
    const user = userEvent.setup();
    const replay = vi.fn(() => ({ data: { replayWebhookDelivery: { id: 'd-2', status: 'pending', series: 2 } } }));
    render(MANAGE, { ConsoleReplayWebhookDelivery: replay });
    expect(await screen.findByText('CRM sync')).toBeTruthy();
    const deliveries = await screen.findByRole('table', { name: 'Recent deliveries' });
    const rows = within(deliveries).getAllByRole('row').slice(1);
    expect(rows.map((r) => within(r).getAllByRole('cell').slice(2, 5).map((c) => c.textContent))).toEqual([
      ['Delivered', '200', '1'],
      ['Failedhttps://crm.example.com/hooks answered 503', '503', '8'],
      ['Pending', '500', '2'],
    ]);
    // A pending delivery is being sent anyway: no replay offered.
    expect(within(rows[2]!).queryByRole('button')).toBeNull();
    await user.click(within(rows[1]!).getByRole('button', { name: /Replay run.completed delivery d-2/ }));
    await waitFor(() => expect(replay).toHaveBeenCalledWith({ id: 'd-2' }));
  });

  it('creates a subscription and shows its secret once', async () => {
    const user = userEvent.setup();
    const create = vi.fn((v: Record<string, unknown>) =>
      String(v['url']).startsWith('http://127.') ? gqlError('The webhook URL points at a private or loopback address (127.0.0.1).', 'BAD_USER_INPUT') : { data: { createWebhookSubscription: { secret: 'whsec_shown_once', subscription: { id: 'sub-2', url: v['url'] } } } },
    );
    render(MANAGE, { ConsoleCreateWebhookSubscription: create });
    const form = await screen.findByRole('form', { name: 'Add a webhook endpoint' });
    await screen.findByRole('option', { name: 'Support triage (support-triage)' });

    await user.type(within(form).getByLabelText('Endpoint URL'), 'http://127.0.0.1/hooks');
    await user.click(within(form).getByRole('button', { name: 'Add endpoint' }));
    expect((await within(form).findByRole('alert')).textContent).toContain('private or loopback');
    expect(screen.queryByTestId('webhook-secret')).toBeNull();

    await user.clear(within(form).getByLabelText('Endpoint URL'));
    await user.type(within(form).getByLabelText('Endpoint URL'), 'https://crm.example.com/new');
    await user.click(within(form).getByLabelText('approval.requested'));
    await user.click(within(form).getByLabelText('run.failed'));
    await user.click(within(form).getByRole('button', { name: 'Add endpoint' }));
    expect((await screen.findByTestId('webhook-secret')).textContent).toBe('whsec_shown_once');
    expect(create).toHaveBeenLastCalledWith({ key: 'support-triage', url: 'https://crm.example.com/new', types: ['run.completed', 'approval.requested'], description: null });
  });

  it('disables an endpoint, and offers no controls to a role that may only read', async () => {
    const user = userEvent.setup();
    const update = vi.fn(() => ({ data: { updateWebhookSubscription: { id: 'sub-1', enabled: false } } }));
    render(MANAGE, { ConsoleSetWebhookEnabled: update });
    await user.click(await screen.findByRole('button', { name: 'Disable https://crm.example.com/hooks' }));
    await waitFor(() => expect(update).toHaveBeenCalledWith({ id: 'sub-1', enabled: false }));
    cleanup();
    vi.unstubAllGlobals();

    render(['me', 'webhookSubscriptions', 'webhookDeliveries']);
    expect(await screen.findByText('CRM sync')).toBeTruthy();
    await screen.findByRole('table', { name: 'Recent deliveries' });
    expect(screen.queryByRole('button')).toBeNull();
    expect(screen.queryByRole('form', { name: 'Add a webhook endpoint' })).toBeNull();
    expect(rowOf('run.completed, run.failed').textContent).toContain('Enabled');
  });
});
