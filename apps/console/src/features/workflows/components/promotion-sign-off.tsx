import { Button } from '@gatehouse/ui';
import { useState } from 'react';
import type { ConsoleWorkflowPromotionQuery } from '../../../gql/graphql.js';
import { useGraphQLMutation } from '../../../lib/graphql-hooks.js';
import { useCan, useMyId } from '../../session/hooks/use-can.js';
import { useMe } from '../../session/hooks/use-me.js';
import { SIGN_OFF_PROMOTION_MUTATION } from '../api/promotion-mutations.js';
import { stageLabel, type Stage } from '../lib/stage.js';
import { ReasonDialog } from './reason-dialog.js';

type Promotion = NonNullable<ConsoleWorkflowPromotionQuery['workflow']['promotionReadiness']>;

export interface PromotionSignOffProps {
  readonly workflowKey: string;
  readonly toStage: Stage;
  readonly changeApprover: { readonly id: string; readonly name: string } | null;
  readonly signOffState: string;
  readonly signOff: Promotion['signOff'];
}

const dateTime = (iso: string) => new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/**
 * The change approver's sign-off for the next promotion: who gave it, when and until when; the
 * control for the named approver (or an admin) when none is valid; for anyone else, who can.
 */
export function PromotionSignOff({ workflowKey, toStage, changeApprover, signOffState, signOff }: PromotionSignOffProps) {
  const me = useMe().data?.me ?? null;
  const myId = useMyId();
  const canCall = useCan('signOffPromotion');
  const [open, setOpen] = useState(false);
  const signOffMutation = useGraphQLMutation(SIGN_OFF_PROMOTION_MUTATION);
  // The role table lets owners and reviewers call it; the domain then allows only this workflow's approver or an admin.
  const mayThisPerson = canCall && changeApprover !== null && (myId === changeApprover.id || me?.role === 'admin');
  const valid = signOffState === 'valid' && signOff !== null;
  const stage = stageLabel(toStage);

  return (
    <div className="wf-evidence" data-testid="promotion-sign-off">
      <h4 className="wf-evidence__title">Change approver sign-off</h4>
      {valid ? (
        <p className="wf-ok">
          ✓ Signed off by {signOff.signedOffBy?.name ?? 'an unknown principal'} on {dateTime(signOff.signedOffAt)}, valid until{' '}
          {dateTime(signOff.expiresAt)}: “{signOff.note}”
        </p>
      ) : (
        <p>
          {changeApprover === null
            ? 'No change approver is named, so no promotion can be signed off until one is.'
            : `The promotion to ${stage} needs a sign-off from ${changeApprover.name}, the change approver (or an admin); it is valid for 7 days and used up by the promotion.`}
        </p>
      )}
      {!valid && mayThisPerson ? (
        <Button variant="primary" onClick={() => setOpen(true)}>
          Sign off promotion to {stage}
        </Button>
      ) : null}
      {!valid && !mayThisPerson && changeApprover !== null ? (
        <p className="wf-muted">Only {changeApprover.name} or an admin can sign off.</p>
      ) : null}
      {open ? (
        <ReasonDialog
          title={`Sign off promotion to ${stage}`}
          description={`You vouch that ${workflowKey} may move to ${stage}. The owner promotes; your sign-off is valid for 7 days and used up by that promotion. The note is the evidence trail.`}
          confirmLabel="Sign off"
          reasonLabel="Note"
          requiredMessage="Say what the sign-off rests on: the note is recorded with it."
          onConfirm={(note) => signOffMutation.mutateAsync({ key: workflowKey, toStage, note })}
          onClose={() => setOpen(false)}
        />
      ) : null}
    </div>
  );
}
