import { Button, EmptyState, ErrorMessage, ScreenHeader } from '@gatehouse/ui';
import { useGraphQLMutation, useGraphQLQuery } from '../../../lib/graphql-hooks.js';
import { useCan } from '../../session/hooks/use-can.js';
import { REPLAY_WEBHOOK_MUTATION, SET_WEBHOOK_ENABLED_MUTATION } from '../api/webhook-mutations.js';
import { WEBHOOK_DELIVERIES_QUERY, WEBHOOK_SUBSCRIPTIONS_QUERY } from '../api/webhooks.query.js';
import '../webhooks.css';
import { CreateWebhookForm } from './create-webhook-form.js';

const STATUS_LABEL: Record<string, string> = { pending: 'Pending', succeeded: 'Delivered', failed: 'Failed' };

/** Event subscriptions: the endpoints, the latest deliveries with their answers, and replay. */
export function WebhooksPage() {
  const canCreate = useCan('createWebhookSubscription');
  const canUpdate = useCan('updateWebhookSubscription');
  const canReplay = useCan('replayWebhookDelivery');
  const subscriptions = useGraphQLQuery(WEBHOOK_SUBSCRIPTIONS_QUERY, {});
  const deliveries = useGraphQLQuery(WEBHOOK_DELIVERIES_QUERY, { first: 50 });
  const setEnabled = useGraphQLMutation(SET_WEBHOOK_ENABLED_MUTATION);
  const replay = useGraphQLMutation(REPLAY_WEBHOOK_MUTATION);
  const urlOf = new Map((subscriptions.data?.webhookSubscriptions ?? []).map((s) => [s.id, s.url]));

  return (
    <>
      <ScreenHeader title="Webhooks" subtitle="Signed event deliveries to integrators’ endpoints, with every attempt" />
      <section aria-labelledby="wh-subscriptions">
        <h2 id="wh-subscriptions">Endpoints</h2>
        {subscriptions.error ? <ErrorMessage error={subscriptions.error} onRetry={() => void subscriptions.refetch()} /> : null}
        {subscriptions.data && subscriptions.data.webhookSubscriptions.length === 0 ? <EmptyState title="No endpoints yet" description="Add one to receive run, approval, exception and cost events." /> : null}
        {subscriptions.data && subscriptions.data.webhookSubscriptions.length > 0 ? (
          <table className="wh-table">
            <thead>
              <tr>
                <th scope="col">Workflow</th>
                <th scope="col">Endpoint</th>
                <th scope="col">Events</th>
                <th scope="col">State</th>
                {canUpdate ? <th scope="col">Action</th> : null}
              </tr>
            </thead>
            <tbody>
              {subscriptions.data.webhookSubscriptions.map((s) => (
                <tr key={s.id}>
                  <td>{s.workflow.name}</td>
                  <td>
                    <code>{s.url}</code>
                    {s.description ? <div className="wh-muted">{s.description}</div> : null}
                  </td>
                  <td>{s.eventTypes.join(', ')}</td>
                  <td>{s.enabled ? 'Enabled' : 'Disabled'}</td>
                  {canUpdate ? (
                    <td>
                      <Button variant="secondary" onClick={() => setEnabled.mutate({ id: s.id, enabled: !s.enabled })} aria-label={`${s.enabled ? 'Disable' : 'Enable'} ${s.url}`}>
                        {s.enabled ? 'Disable' : 'Enable'}
                      </Button>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
        {setEnabled.error ? <ErrorMessage error={setEnabled.error} /> : null}
      </section>
      {canCreate ? <CreateWebhookForm /> : null}
      <section aria-labelledby="wh-deliveries">
        <h2 id="wh-deliveries">Recent deliveries</h2>
        {deliveries.error ? <ErrorMessage error={deliveries.error} onRetry={() => void deliveries.refetch()} /> : null}
        {replay.error ? <ErrorMessage title="Not replayed" error={replay.error} /> : null}
        {deliveries.data && deliveries.data.webhookDeliveries.edges.length === 0 ? <EmptyState title="No deliveries yet" description="Events appear here as runs, approvals and exceptions happen." /> : null}
        {deliveries.data && deliveries.data.webhookDeliveries.edges.length > 0 ? (
          <table className="wh-table" aria-label="Recent deliveries">
            <thead>
              <tr>
                <th scope="col">Event</th>
                <th scope="col">Endpoint</th>
                <th scope="col">Status</th>
                <th scope="col">Response</th>
                <th scope="col">Attempts</th>
                <th scope="col">Created</th>
                {canReplay ? <th scope="col">Action</th> : null}
              </tr>
            </thead>
            <tbody>
              {deliveries.data.webhookDeliveries.edges.map(({ node: d }) => (
                <tr key={d.id}>
                  <td>{d.eventType}</td>
                  <td>
                    <code>{urlOf.get(d.subscriptionId) ?? '—'}</code>
                  </td>
                  <td>
                    <span className={`wh-status wh-status--${d.status}`}>{STATUS_LABEL[d.status] ?? d.status}</span>
                    {d.lastError ? <div className="wh-muted">{d.lastError}</div> : null}
                  </td>
                  <td>{d.lastResponseStatus ?? '—'}</td>
                  <td>
                    {d.attempts}
                    {d.series > 1 ? ` (replay ${d.series - 1})` : ''}
                  </td>
                  <td>
                    <time dateTime={String(d.createdAt)}>{new Date(String(d.createdAt)).toLocaleString()}</time>
                  </td>
                  {canReplay ? (
                    <td>
                      {d.status !== 'pending' ? (
                        <Button variant="secondary" disabledReason={replay.isPending ? 'A replay is being queued' : null} onClick={() => replay.mutate({ id: d.id })} aria-label={`Replay ${d.eventType} delivery ${d.id}`}>
                          Replay
                        </Button>
                      ) : null}
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </section>
    </>
  );
}
