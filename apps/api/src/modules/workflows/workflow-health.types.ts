import { HEALTH_SIGNAL_KINDS, WORKFLOW_HEALTH_STATUSES } from '@gatehouse/domain';
import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';

function enumOf<T extends string>(values: readonly T[], name: string, description: string): Record<T, T> {
  const object = Object.fromEntries(values.map((v) => [v, v])) as Record<T, T>;
  registerEnumType(object, { name, description });
  return object;
}

export const WorkflowHealthStatusEnum = enumOf(
  WORKFLOW_HEALTH_STATUSES,
  'WorkflowHealthStatus',
  'healthy: nothing waiting, overdue or failing; attention: exceptions waiting within SLA, an open cost-drift alert or a failed run in the window; critical: an SLA breached now, or ≥ 20% of ≥ 5 finished runs started in the window failed; paused: the kill switch is on.',
);
export const HealthSignalKindEnum = enumOf(HEALTH_SIGNAL_KINDS, 'HealthSignalKind', 'One reason behind a workflow health status.');

@ObjectType('HealthSignal', { description: 'One reason behind a workflow health status.' })
export class HealthSignalType {
  @Field(() => HealthSignalKindEnum)
  kind: string;

  @Field(() => WorkflowHealthStatusEnum, { description: 'The status this signal alone would give.' })
  severity: string;

  @Field(() => Int)
  count: number;

  @Field(() => String)
  message: string;
}

@ObjectType('WorkflowHealth', {
  description:
    'Health now: paused (kill switch on) > critical (an open exception or pending approval past its due time, or ≥ 20% of ≥ 5 finished runs started in the last windowHours failed) > attention (open exceptions within SLA, an open cost-drift alert, or any failed run in the window) > healthy.',
})
export class WorkflowHealthType {
  @Field(() => WorkflowHealthStatusEnum)
  status: string;

  @Field(() => [HealthSignalType], { description: 'Why, worst first; empty when healthy.' })
  signals: HealthSignalType[];

  @Field(() => Int, { description: 'Finished and failed runs are counted among the runs started in the last this many hours.' })
  windowHours: number;

  @Field(() => Int, { description: 'Runs started in the window that are now terminal (the error-rate sample size).' })
  finishedRuns: number;

  @Field(() => Int)
  failedRuns: number;
}
