import { Button, ErrorMessage } from '@gatehouse/ui';
import { type FormEvent, useState } from 'react';
import { useGraphQLMutation, useGraphQLQuery } from '../../../lib/graphql-hooks.js';
import { CREATE_WEBHOOK_MUTATION } from '../api/webhook-mutations.js';
import { WEBHOOK_WORKFLOWS_QUERY } from '../api/webhooks.query.js';

/** The public event types (the API's list; docs/webhooks.md says what each carries). */
export const EVENT_TYPES = ['run.completed', 'run.failed', 'approval.requested', 'approval.decided', 'exception.created', 'exception.resolved', 'cost.drift'] as const;

/** Registers an endpoint; the signing secret is shown once, right here, and never again. */
export function CreateWebhookForm() {
  const workflows = useGraphQLQuery(WEBHOOK_WORKFLOWS_QUERY, {});
  const create = useGraphQLMutation(CREATE_WEBHOOK_MUTATION);
  const [workflowKey, setWorkflowKey] = useState('');
  const [url, setUrl] = useState('');
  const [description, setDescription] = useState('');
  const [types, setTypes] = useState<string[]>(['run.completed', 'run.failed']);
  const [secret, setSecret] = useState<string | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSecret(null);
    const key = workflowKey || workflows.data?.workflows[0]?.key || '';
    const result = await create.mutateAsync({ key, url, types, description: description || null }).catch(() => null);
    if (result) {
      setSecret(result.createWebhookSubscription.secret);
      setUrl('');
      setDescription('');
    }
  };
  const toggle = (type: string) => setTypes((current) => (current.includes(type) ? current.filter((t) => t !== type) : [...current, type]));

  return (
    <form className="wh-form" aria-label="Add a webhook endpoint" onSubmit={(e) => void submit(e)}>
      <h2>Add an endpoint</h2>
      <label>
        Workflow
        <select value={workflowKey} onChange={(e) => setWorkflowKey(e.target.value)}>
          {(workflows.data?.workflows ?? []).map((w) => (
            <option key={w.key} value={w.key}>
              {w.name} ({w.key})
            </option>
          ))}
        </select>
      </label>
      <label>
        Endpoint URL
        <input type="url" required value={url} onChange={(e) => setUrl(e.target.value)} placeholder="https://example.com/gatehouse-events" />
      </label>
      <fieldset>
        <legend>Events</legend>
        {EVENT_TYPES.map((type) => (
          <label key={type} className="wh-form__event">
            <input type="checkbox" checked={types.includes(type)} onChange={() => toggle(type)} /> {type}
          </label>
        ))}
      </fieldset>
      <label>
        Description (optional)
        <input value={description} onChange={(e) => setDescription(e.target.value)} maxLength={500} />
      </label>
      <Button type="submit" variant="primary" disabledReason={create.isPending ? 'Adding the endpoint…' : null}>
        Add endpoint
      </Button>
      {create.error ? <ErrorMessage title="The endpoint was not added" error={create.error} /> : null}
      {secret ? (
        <div className="wh-secret" role="status">
          <p>
            <strong>Signing secret — copy it now; it is not shown again.</strong> Verify each delivery’s <code>X-Gatehouse-Signature</code> with it.
          </p>
          <code data-testid="webhook-secret">{secret}</code>
        </div>
      ) : null}
    </form>
  );
}
