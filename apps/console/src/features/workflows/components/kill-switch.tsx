import { Button } from '@gatehouse/ui';
import { useState } from 'react';
import { useGraphQLMutation } from '../../../lib/graphql-hooks.js';
import { useCan } from '../../session/hooks/use-can.js';
import { PAUSE_MUTATION, RESUME_MUTATION } from '../api/workflow-mutations.js';
import { ReasonDialog } from './reason-dialog.js';

export interface KillSwitchProps {
  readonly workflowKey: string;
  readonly workflowName: string;
  readonly paused: boolean;
  readonly pausedReason: string | null;
}

/** The kill switch: pausing stops every new step of every run; both directions need a reason. */
export function KillSwitch({ workflowKey, workflowName, paused, pausedReason }: KillSwitchProps) {
  const canPause = useCan('pauseWorkflow');
  const canResume = useCan('resumeWorkflow');
  const [open, setOpen] = useState(false);
  const pause = useGraphQLMutation(PAUSE_MUTATION);
  const resume = useGraphQLMutation(RESUME_MUTATION);

  return (
    <div className={`wf-kill-switch${paused ? ' wf-kill-switch--paused' : ''}`}>
      <p role="status" className="wf-kill-switch__state">
        {paused ? (
          <>
            <strong>⏸ Paused</strong>
            {pausedReason ? ` — ${pausedReason}` : ''}. No new step starts until it is resumed.
          </>
        ) : (
          <>
            <strong>Running.</strong> New steps start as runs progress.
          </>
        )}
      </p>
      {paused && canResume ? <Button onClick={() => setOpen(true)}>Resume workflow</Button> : null}
      {!paused && canPause ? (
        <Button variant="danger" onClick={() => setOpen(true)}>
          Pause workflow
        </Button>
      ) : null}
      {open ? (
        <ReasonDialog
          title={paused ? `Resume ${workflowName}?` : `Pause ${workflowName}?`}
          description={
            paused
              ? 'Runs continue from where they stopped; parked steps are dispatched again.'
              : 'The kill switch: no new step of any run of this workflow starts until it is resumed. Steps already running finish.'
          }
          confirmLabel={paused ? 'Resume' : 'Pause'}
          variant={paused ? 'primary' : 'danger'}
          onConfirm={(reason) => (paused ? resume.mutateAsync({ key: workflowKey, reason }) : pause.mutateAsync({ key: workflowKey, reason }))}
          onClose={() => setOpen(false)}
        />
      ) : null}
    </div>
  );
}
