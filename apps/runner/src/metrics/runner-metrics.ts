import { Counter, Gauge, Histogram, type Registry } from '@gatehouse/telemetry';

/** The runner's instruments (docs/observability.md lists each with its labels). */
export interface RunnerMetrics {
  stepDuration: Histogram<'kind' | 'outcome'>;
  stepsProcessed: Counter<'kind' | 'outcome'>;
  staleResults: Counter;
  batchSize: Histogram<'transport'>;
  deadLettered: Counter<'transport'>;
  kafkaLag: Gauge<'topic' | 'partition'>;
  dispatchesDue: Gauge;
  oldestDueAge: Gauge;
  outboxBacklog: Gauge;
  outboxOldestAge: Gauge;
  exceptionsOpen: Gauge<'reason'>;
  approvalsPending: Gauge;
  runsActive: Gauge<'status'>;
}

export function createRunnerMetrics(registry: Registry): RunnerMetrics {
  const registers = [registry];
  return {
    stepDuration: new Histogram({
      name: 'gatehouse_step_duration_seconds',
      help: 'Time one step execution took (model call, webhook, rules), by step kind and outcome (succeeded, gate, failed).',
      labelNames: ['kind', 'outcome'],
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    stepsProcessed: new Counter({
      name: 'gatehouse_steps_processed_total',
      help: 'Step executions whose batch committed, by step kind and outcome.',
      labelNames: ['kind', 'outcome'],
      registers,
    }),
    staleResults: new Counter({
      name: 'gatehouse_step_results_stale_total',
      help: 'Step results dropped at commit because the run had moved on meanwhile (a cancel, another runner).',
      registers,
    }),
    batchSize: new Histogram({
      name: 'gatehouse_runner_batch_size',
      help: 'Deliveries handed to the step handler at once, by transport.',
      labelNames: ['transport'],
      buckets: [1, 2, 5, 10, 25, 50, 100, 200, 500],
      registers,
    }),
    deadLettered: new Counter({
      name: 'gatehouse_dispatches_dead_lettered_total',
      help: 'Deliveries the step handler could not process (malformed, unknown run) and dead-lettered.',
      labelNames: ['transport'],
      registers,
    }),
    kafkaLag: new Gauge({
      name: 'gatehouse_kafka_consumer_lag',
      help: "Messages of a partition not yet committed by the runners' consumer group (sampled).",
      labelNames: ['topic', 'partition'],
      registers,
    }),
    dispatchesDue: new Gauge({
      name: 'gatehouse_dispatches_due',
      help: 'Postgres transport: step dispatches due and not yet claimed by a runner (sampled).',
      registers,
    }),
    oldestDueAge: new Gauge({
      name: 'gatehouse_dispatch_oldest_due_age_seconds',
      help: 'Postgres transport: how long the oldest due, unclaimed dispatch has been due (sampled; 0 when none).',
      registers,
    }),
    outboxBacklog: new Gauge({
      name: 'gatehouse_outbox_backlog',
      help: 'Outbox rows not yet published or acknowledged, including delayed retries (sampled).',
      registers,
    }),
    outboxOldestAge: new Gauge({
      name: 'gatehouse_outbox_oldest_age_seconds',
      help: 'Age of the oldest outbox row in the backlog (sampled; 0 when empty).',
      registers,
    }),
    exceptionsOpen: new Gauge({
      name: 'gatehouse_exceptions_open',
      help: 'Exception queue items not resolved (open or claimed), by reason (sampled).',
      labelNames: ['reason'],
      registers,
    }),
    approvalsPending: new Gauge({
      name: 'gatehouse_approvals_pending',
      help: 'Approvals waiting for a decision (sampled).',
      registers,
    }),
    runsActive: new Gauge({
      name: 'gatehouse_runs_active',
      help: 'Runs in a non-terminal status, by status (sampled).',
      labelNames: ['status'],
      registers,
    }),
  };
}
