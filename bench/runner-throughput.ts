import { derivedAppLoginUrl } from '../packages/db/dist/index.js';
import { benchPool } from './postgres.js';
import { describeCpu, MemorySampler, spawnNode, watchCpu, whileAlive, type CpuUse, type NodeProcess } from './processes.js';
import { feedSteady, insertRuns, loadBenchWorkflow, runStats, waitForCompleted, type RunStats, type SteadyFeed } from './runs.js';

export interface RunnerPhaseOptions {
  transport: 'postgres' | 'kafka';
  databaseUrl: string;
  actionUrl: string;
  kafkaBrokers?: string[];
  runs: number;
  steadyRate: number;
  steadySeconds: number;
  /** Whether the `postgres` processes on this machine are the bench's (embedded server). */
  postmasterPid: number | null;
  log: (line: string) => void;
}

export interface RunnerPhaseResult {
  transport: 'postgres' | 'kafka';
  runs: number;
  seconds: number;
  runsPerSec: number;
  backlog: RunStats;
  backlogCpu: CpuUse;
  steady: RunStats & { feed: SteadyFeed };
  steadyCpu: CpuUse;
  runnerPeakRssMb: number;
  actionsReceived: number;
}

export const RUNNER_SECRET = 'gatehouse-bench-action-secret-0123456789';

/** RUNNER_* and DATABASE_POOL_SIZE from the bench's environment, passed on to the runners (to try settings). */
export function runnerOverrides(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(process.env).filter((e): e is [string, string] => (e[0].startsWith('RUNNER_') || e[0] === 'DATABASE_POOL_SIZE') && e[0] !== 'RUNNER_TRANSPORT' && e[1] !== undefined),
  );
}

/** Starts one runner process from its build, on the given transport, with the runner's defaults otherwise. */
export function spawnRunner(options: Pick<RunnerPhaseOptions, 'transport' | 'databaseUrl' | 'actionUrl' | 'kafkaBrokers'>): NodeProcess {
  return spawnNode(`runner (${options.transport})`, 'apps/runner/dist/main.js', {
    // In production the runner refuses a privileged login: it gets the application login the
    // bench's API (development mode, setting up the template) created from the same owner URL.
    DATABASE_URL: derivedAppLoginUrl(options.databaseUrl),
    RUNNER_TRANSPORT: options.transport,
    ...(options.kafkaBrokers ? { KAFKA_BROKERS: options.kafkaBrokers.join(','), KAFKA_GROUP_ID: `gatehouse-bench-${process.pid}` } : {}),
    ACTION_WEBHOOK_URL: options.actionUrl,
    ACTION_WEBHOOK_SECRET: RUNNER_SECRET,
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    ...runnerOverrides(),
  });
}

/**
 * One runner process against a fresh database: warm up (the Kafka group's first join takes
 * seconds), then a backlog of `runs` inserted at once (throughput: wall time from the insert's
 * commit to the last run's finished_at), then an open-loop steady load (the meaningful latency).
 */
export async function runnerPhase(options: RunnerPhaseOptions, receivedActions: () => number): Promise<RunnerPhaseResult> {
  const { log } = options;
  const pool = benchPool(options.databaseUrl, 4);
  const runner = spawnRunner(options);
  const memory = new MemorySampler(runner.pid);
  try {
    const wf = await loadBenchWorkflow(pool);
    const actionsBefore = receivedActions();

    await whileAlive(runner, (async () => {
      await insertRuns(pool, wf, 200, 'warmup');
      await waitForCompleted(pool, 'warmup', 200, 90_000, 100);
    })());

    const cpuPids = { runner: runner.pid, bench: process.pid };
    const backlogCpu = watchCpu(cpuPids, options.postmasterPid);
    await whileAlive(runner, insertRuns(pool, wf, options.runs, 'backlog'));
    const committedAt = Date.now();
    await whileAlive(runner, waitForCompleted(pool, 'backlog', options.runs, 180_000));
    const backlogCpuUse = backlogCpu();
    const backlog = await runStats(pool, 'backlog');
    const seconds = (backlog.lastFinishedAt.getTime() - committedAt) / 1000;
    const runsPerSec = options.runs / seconds;
    log(`  backlog: ${options.runs} runs in ${seconds.toFixed(2)} s; ${backlog.stepAttempts} step attempts (${(backlog.stepAttempts / backlog.runs).toFixed(2)} per run)`);
    log(`  ${describeCpu(backlogCpuUse)}`);

    const steadyCpu = watchCpu(cpuPids, options.postmasterPid);
    const feed = await whileAlive(runner, feedSteady(pool, wf, 'steady', options.steadyRate, options.steadySeconds));
    await whileAlive(runner, waitForCompleted(pool, 'steady', feed.runs, 120_000, 100));
    const steadyCpuUse = steadyCpu();
    const steady = await runStats(pool, 'steady');
    log(`  steady: ${feed.runs} runs offered at ${feed.offeredPerSec.toFixed(0)} runs/s (worst tick lag ${feed.worstTickLagMs.toFixed(0)} ms)`);
    log(`  ${describeCpu(steadyCpuUse)}`);

    const runnerPeakRssMb = memory.stop();
    return {
      transport: options.transport,
      runs: options.runs,
      seconds,
      runsPerSec,
      backlog,
      backlogCpu: backlogCpuUse,
      steady: { ...steady, feed },
      steadyCpu: steadyCpuUse,
      runnerPeakRssMb,
      actionsReceived: receivedActions() - actionsBefore,
    };
  } finally {
    memory.stop();
    await runner.stop();
    await pool.end();
  }
}
