import { DomainError, IllegalTransitionError } from './errors.js';
import type { Actor } from './roles.js';
import { ROLLOUT_STAGES, type RolloutStage, type Transition, type Workflow } from './workflow.js';

/** A sign-off is for the promotion at hand, not a standing permission. */
export const SIGN_OFF_VALIDITY_DAYS = 7;
const DAY_MS = 24 * 60 * 60 * 1000;

/** The change approver's consent to one promotion of a workflow to one stage. */
export interface PromotionSignOff {
  id: string;
  workflowId: string;
  toStage: RolloutStage;
  note: string;
  signedOffBy: string;
  signedOffAt: Date;
  expiresAt: Date;
  /** Set by the promotion that used it; a sign-off is good for one promotion. */
  consumedAt: Date | null;
}

export function nextStage(stage: RolloutStage): RolloutStage | null {
  return ROLLOUT_STAGES[ROLLOUT_STAGES.indexOf(stage) + 1] ?? null;
}

export type SignOffState = 'valid' | 'expired' | 'consumed' | 'other_stage';

export function signOffState(signOff: PromotionSignOff, toStage: RolloutStage, now: Date): SignOffState {
  if (signOff.toStage !== toStage) return 'other_stage';
  if (signOff.consumedAt !== null) return 'consumed';
  return signOff.expiresAt.getTime() > now.getTime() ? 'valid' : 'expired';
}

/**
 * The workflow's named change approver (or an admin) signs off the next promotion. Whoever
 * promotes may be someone else: the owner moves the stage, the approver vouches for it.
 */
export function signOffPromotion(workflow: Workflow, input: { id: string; toStage: RolloutStage; note: string }, actor: Actor, now: Date): Transition<PromotionSignOff> {
  const approverId = workflow.owners.changeApproverId;
  if (approverId === null) {
    throw new DomainError('precondition_failed', `Workflow "${workflow.key}" has no change approver; name one (updateWorkflow owners.changeApprover) before promotions can be signed off.`, { workflowKey: workflow.key });
  }
  if (actor.id !== approverId && actor.role !== 'admin') {
    throw new DomainError('forbidden', `Only the change approver named on workflow "${workflow.key}" (or an admin) can sign off its promotion.`, { changeApproverId: approverId });
  }
  const next = nextStage(workflow.rolloutStage);
  if (input.toStage !== next) {
    throw new IllegalTransitionError('workflow', `in ${workflow.rolloutStage}`, `sign off a promotion to ${input.toStage}`, next ? `The next promotion is to ${next}.` : 'It is already at the last stage.');
  }
  const note = input.note.trim();
  if (!note) throw new DomainError('invalid_input', 'Say what the sign-off rests on (note is required): it is the evidence trail for the promotion.', { field: 'note' });
  const signOff: PromotionSignOff = {
    id: input.id,
    workflowId: workflow.id,
    toStage: input.toStage,
    note,
    signedOffBy: actor.id,
    signedOffAt: now,
    expiresAt: new Date(now.getTime() + SIGN_OFF_VALIDITY_DAYS * DAY_MS),
    consumedAt: null,
  };
  return {
    state: signOff,
    events: [
      {
        type: 'workflow.promotion_signed_off',
        subjectType: 'workflow',
        subjectId: workflow.id,
        data: { signOffId: signOff.id, from: workflow.rolloutStage, toStage: signOff.toStage, note, expiresAt: signOff.expiresAt.toISOString() },
      },
    ],
  };
}
