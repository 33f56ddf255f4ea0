import { HAND_OFF_OUTCOMES, HAND_OFF_STATUSES } from '@gatehouse/domain';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';

export const HandOffStatusEnum = Object.fromEntries(HAND_OFF_STATUSES.map((s) => [s, s])) as Record<(typeof HAND_OFF_STATUSES)[number], string>;
registerEnumType(HandOffStatusEnum, { name: 'HandOffStatus', description: 'pending until the manual path reports back; accepted while it works; completed, failed or bounced when closed.' });

export const HandOffOutcomeEnum = Object.fromEntries(HAND_OFF_OUTCOMES.map((s) => [s, s])) as Record<(typeof HAND_OFF_OUTCOMES)[number], string>;
registerEnumType(HandOffOutcomeEnum, { name: 'HandOffOutcome', description: 'What the manual path reports: accepted, or closed as completed, failed or bounced (sent back).' });

@ObjectType('HandOff', { description: 'A run handed off to a manual path, tracked until that path reports back (hand-off failure metrics).' })
export class HandOffType {
  @Field(() => ID) id: string;
  @Field(() => ID) runId: string;
  @Field(() => ID, { nullable: true, description: 'The exception whose resolution handed the run off.' }) exceptionId: string | null;
  @Field(() => String, { description: 'The manual path (the definition’s hand-off name).' }) target: string;
  @Field(() => HandOffStatusEnum) status: string;
  @Field(() => Date, { nullable: true, description: 'Not completed by then: counted as timed out.' }) dueAt: Date | null;
  @Field(() => String, { nullable: true }) note: string | null;
  @Field(() => Date) createdAt: Date;
  @Field(() => Date, { nullable: true }) closedAt: Date | null;
}
