import { Button } from '@gatehouse/ui';
import { useState } from 'react';
import { useGraphQLMutation } from '../../../lib/graphql-hooks.js';
import { useCan } from '../../session/hooks/use-can.js';
import { CANCEL_RUN_MUTATION, REOPEN_RUN_MUTATION } from '../api/run-commands.mutation.js';
import { ReasonForm } from './reason-form.js';

const CANCELLABLE = new Set(['queued', 'running', 'waiting_approval', 'in_exception']);

/**
 * Cancel (an unfinished run) and re-open (a completed one whose result was wrong), each with a
 * reason, shown only to roles that may call them; the API checks again.
 */
export function RunActions({ runId, status }: { readonly runId: string; readonly status: string }) {
  const canCancel = useCan('cancelRun') && CANCELLABLE.has(status);
  const canReopen = useCan('reopenRun') && status === 'completed';
  const [open, setOpen] = useState<'cancel' | 'reopen' | null>(null);
  const cancel = useGraphQLMutation(CANCEL_RUN_MUTATION, { onSuccess: () => setOpen(null) });
  const reopen = useGraphQLMutation(REOPEN_RUN_MUTATION, { onSuccess: () => setOpen(null) });

  if (!canCancel && !canReopen) return null;
  if (open === 'cancel') {
    return (
      <ReasonForm
        title="Cancel this run"
        confirmLabel="Cancel run"
        variant="danger"
        pending={cancel.isPending}
        error={cancel.error}
        onSubmit={(reason) => cancel.mutate({ runId, reason })}
        onClose={() => setOpen(null)}
      />
    );
  }
  if (open === 'reopen') {
    return (
      <ReasonForm
        title="Re-open this run: it goes back to the exception queue"
        confirmLabel="Re-open run"
        variant="primary"
        pending={reopen.isPending}
        error={reopen.error}
        onSubmit={(reason) => reopen.mutate({ runId, reason })}
        onClose={() => setOpen(null)}
      />
    );
  }
  return (
    <div className="run-actions">
      {canCancel ? (
        <Button variant="danger" onClick={() => setOpen('cancel')}>
          Cancel run…
        </Button>
      ) : null}
      {canReopen ? <Button onClick={() => setOpen('reopen')}>Re-open run…</Button> : null}
    </div>
  );
}
