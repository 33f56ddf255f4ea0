import { describe, expect, it } from 'vitest';
import { signOffPromotion, signOffState } from './promotion-signoff.js';
import { LATER, NOW, actors, expectDomainError, makeWorkflow } from './test/fixtures.js';

const published = () => makeWorkflow({ publishedVersionId: 'v-1' });
const DAY = 24 * 60 * 60 * 1000;

describe('signOffPromotion', () => {
  it('records the named change approver signing off the next stage, for 7 days', () => {
    const { state, events } = signOffPromotion(published(), { id: 's-1', toStage: 'draft', note: ' agreement is good ' }, actors.approver, NOW);
    expect(state).toEqual({ id: 's-1', workflowId: 'wf-1', toStage: 'draft', note: 'agreement is good', signedOffBy: actors.approver.id, signedOffAt: NOW, expiresAt: new Date(NOW.getTime() + 7 * DAY), consumedAt: null });
    expect(events).toEqual([
      { type: 'workflow.promotion_signed_off', subjectType: 'workflow', subjectId: 'wf-1', data: { signOffId: 's-1', from: 'shadow', toStage: 'draft', note: 'agreement is good', expiresAt: state.expiresAt.toISOString() } },
    ]);
  });

  it('lets an admin sign off, nobody else', () => {
    expect(signOffPromotion(published(), { id: 's', toStage: 'draft', note: 'ok' }, actors.admin, NOW).state.signedOffBy).toBe(actors.admin.id);
    for (const actor of [actors.author, actors.reviewer]) {
      expectDomainError(() => signOffPromotion(published(), { id: 's', toStage: 'draft', note: 'ok' }, actor, NOW), 'forbidden');
    }
  });

  it('refuses when no change approver is named', () => {
    const error = expectDomainError(() => signOffPromotion(makeWorkflow({ owners: { operationalOwnerId: 'u', changeApproverId: null, failureReviewerId: null } }), { id: 's', toStage: 'draft', note: 'ok' }, actors.admin, NOW), 'precondition_failed');
    expect(error.message).toContain('has no change approver');
  });

  it('signs off only the next stage, with a note', () => {
    expectDomainError(() => signOffPromotion(published(), { id: 's', toStage: 'execute', note: 'ok' }, actors.approver, NOW), 'illegal_transition');
    expectDomainError(() => signOffPromotion(makeWorkflow({ rolloutStage: 'execute' }), { id: 's', toStage: 'execute', note: 'ok' }, actors.approver, NOW), 'illegal_transition');
    expect(expectDomainError(() => signOffPromotion(published(), { id: 's', toStage: 'draft', note: ' ' }, actors.approver, NOW), 'invalid_input').details).toEqual({ field: 'note' });
  });
});

describe('signOffState', () => {
  const signOff = signOffPromotion(published(), { id: 's', toStage: 'draft', note: 'ok' }, actors.approver, NOW).state;
  it('is valid until it expires, for its stage only, and once', () => {
    expect(signOffState(signOff, 'draft', LATER)).toBe('valid');
    expect(signOffState(signOff, 'draft', new Date(NOW.getTime() + 7 * DAY - 1))).toBe('valid');
    expect(signOffState(signOff, 'draft', new Date(NOW.getTime() + 7 * DAY))).toBe('expired');
    expect(signOffState(signOff, 'execute', LATER)).toBe('other_stage');
    expect(signOffState({ ...signOff, consumedAt: LATER }, 'draft', LATER)).toBe('consumed');
  });
});
