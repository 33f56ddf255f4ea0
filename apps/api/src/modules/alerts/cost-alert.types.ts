import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { ConnectionType } from '../../graphql/connection.js';

@ObjectType('CostAlert', { description: 'Cost per run over a rolling window above the workflow’s baseline by more than its costDriftPercent (see docs/metrics.md).' })
export class CostAlertType {
  @Field(() => ID) id: string;
  @Field(() => ID) workflowId: string;
  @Field(() => Date) windowStart: Date;
  @Field(() => Date) windowEnd: Date;
  @Field(() => Int, { description: 'Runs in the window (the sample size).' }) runs: number;
  @Field(() => Float) costPerRunUsd: number;
  @Field(() => Float) baselinePerRunUsd: number;
  @Field(() => Float) increasePercent: number;
  @Field(() => Date) raisedAt: Date;
  @Field(() => Date, { nullable: true, description: 'null while the alert is open.' }) clearedAt: Date | null;
}

export const CostAlertConnection = ConnectionType('CostAlert', CostAlertType);

