import { Button } from '@gatehouse/ui';
import { useState } from 'react';
import { useGraphQLMutation } from '../../../lib/graphql-hooks.js';
import { useCan } from '../../session/hooks/use-can.js';
import { SET_STAGE_MUTATION } from '../api/workflow-mutations.js';
import { nextStage, previousStage, ROLLOUT_STAGES, stageLabel, type Stage } from '../lib/stage.js';
import { PromotionReadiness } from './promotion-readiness.js';
import { ReasonDialog } from './reason-dialog.js';

export interface RolloutPanelProps {
  readonly workflowKey: string;
  readonly stage: Stage;
  readonly hasPublishedVersion: boolean;
}

/** Where the workflow is in shadow → draft → execute, what the next promotion lacks, and the controls. */
export function RolloutPanel({ workflowKey, stage, hasPublishedVersion }: RolloutPanelProps) {
  const canSetStage = useCan('setRolloutStage');
  const [change, setChange] = useState<Stage | null>(null);
  const setStage = useGraphQLMutation(SET_STAGE_MUTATION);
  const next = nextStage(stage);
  const previous = previousStage(stage);
  const noVersion = hasPublishedVersion ? null : 'Publish a version before changing the rollout stage.';

  return (
    <div className="wf-rollout">
      <ol className="wf-stages" aria-label="Rollout stages">
        {ROLLOUT_STAGES.map((s) => (
          <li key={s} aria-current={s === stage ? 'step' : undefined} className={s === stage ? 'wf-stages__current' : undefined}>
            {stageLabel(s)}
            {s === stage ? <span className="gh-visually-hidden"> (current)</span> : null}
          </li>
        ))}
      </ol>
      {next ? <PromotionReadiness workflowKey={workflowKey} toStage={next} /> : <p>Execute is the last stage.</p>}
      {canSetStage ? (
        <div className="wf-actions">
          {next ? (
            <Button variant="primary" disabledReason={noVersion} onClick={() => setChange(next)}>
              Promote to {stageLabel(next)}
            </Button>
          ) : null}
          {previous ? (
            <Button disabledReason={noVersion} onClick={() => setChange(previous)}>
              Demote to {stageLabel(previous)}
            </Button>
          ) : null}
        </div>
      ) : null}
      {change ? (
        <ReasonDialog
          title={`${change === next ? 'Promote' : 'Demote'} to ${stageLabel(change)}`}
          description={
            change === next
              ? 'The API checks shadow agreement, the change approver’s sign-off and readiness, and refuses with the numbers if any is missing.'
              : 'Demotion is never gated: new runs start in the lower stage at once.'
          }
          confirmLabel={change === next ? 'Promote' : 'Demote'}
          onConfirm={(reason) => setStage.mutateAsync({ key: workflowKey, stage: change, reason })}
          onClose={() => setChange(null)}
        />
      ) : null}
    </div>
  );
}
