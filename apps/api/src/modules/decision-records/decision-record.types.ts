import { Field, ID, Int, ObjectType } from 'type-graphql';
import { RolloutStageEnum, RunStatusEnum } from '../../graphql/enums.js';
import { JSONObjectScalar } from '../../graphql/scalars.js';

@ObjectType('DecisionRecord', {
  description:
    'How an automated system supported the decision of one run: workflow version and rollout stage, data read, providers and models, checks, who approved or changed what, and the action taken (docs/decision-records.md). Personal data is redacted as the version\'s privacy policy says. Every read is audited (decision_record.exported).',
})
export class DecisionRecordType {
  @Field(() => ID) runId: string;
  @Field(() => Int, { description: 'Version of the document\'s format; bumped only when a field changes meaning or goes away.' }) schemaVersion: number;
  @Field(() => String) workflowKey: string;
  @Field(() => Int, { description: 'The workflow version the run executed.' }) version: number;
  @Field(() => RolloutStageEnum, { description: 'The rollout stage captured when the run started.' }) rolloutStage: string;
  @Field(() => RunStatusEnum) runStatus: string;
  @Field(() => String, { description: 'What the run finally did: executed, would_have_executed, drafted, blocked or none.' }) finalAction: string;
  @Field(() => Date) generatedAt: Date;
  @Field(() => JSONObjectScalar, { description: 'The whole record, exactly as GET /runs/{runId}/decision-record.json returns it.' }) document: Record<string, unknown>;
}
