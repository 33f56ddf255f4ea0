import { exitAfterFlush } from '@gatehouse/config';
import pg from 'pg';
import { pino } from 'pino';
import { logTraceIds, startTracing } from '@gatehouse/telemetry';
import { loadRunnerEnv } from './env.js';
import { startRunnerObservability } from './metrics/runner-observability.js';
import { readBacklog } from './outbox-backlog.js';
import { startRunner } from './runner.js';

/** The runner process: consume step dispatches until SIGTERM, then stop gracefully. */
async function main(): Promise<void> {
  const env = loadRunnerEnv();
  const tracing = startTracing(env, 'gatehouse-runner');
  const logger = pino({ name: 'gatehouse-runner', level: env.LOG_LEVEL, ...(tracing.enabled ? { mixin: logTraceIds } : {}) });
  const observability = await startRunnerObservability(env, logger);
  const runner = await startRunner(env, logger, observability ? { metrics: observability.metrics } : {});
  observability?.startSampling(runner.databaseUrl);

  // The backlog report is for operators: a growing number means runners are falling behind.
  const pool = new pg.Pool({ connectionString: runner.databaseUrl, max: 1, application_name: 'gatehouse-runner-report' });
  const report = async () => {
    try {
      logger.info({ backlog: await readBacklog(pool) }, 'step dispatch backlog');
    } catch (err) {
      logger.warn({ err }, 'could not read the dispatch backlog');
    }
  };
  const timer = setInterval(() => void report(), env.RUNNER_REPORT_INTERVAL_MS);

  const shutdown = async (signal: string) => {
    logger.info({ signal }, 'runner shutting down');
    clearInterval(timer);
    try {
      await runner.stop();
      await observability?.stop();
      await pool.end();
      await tracing.shutdown().catch((err: unknown) => logger.warn({ err }, 'could not export the last spans'));
      logger.info('stopped');
      await exitAfterFlush(logger, 0);
    } catch (err) {
      logger.error({ err }, 'unclean shutdown');
      await exitAfterFlush(logger, 1);
    }
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
