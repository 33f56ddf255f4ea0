import pg from 'pg';
import { pino } from 'pino';
import { loadRunnerEnv } from './env.js';
import { readBacklog } from './outbox-backlog.js';

/*
 * The runner process. Step execution (transports, executors, retries) is the runner issue's
 * work; until then the process joins the platform, watches the dispatch backlog the API
 * writes, and shuts down cleanly so the start command and deployment shape are already real.
 */
async function main(): Promise<void> {
  const env = loadRunnerEnv();
  const logger = pino({ name: 'gatehouse-runner', level: env.LOG_LEVEL });
  const pool = new pg.Pool({ connectionString: env.DATABASE_URL, max: env.DATABASE_POOL_SIZE, application_name: 'gatehouse-runner' });

  const report = async () => {
    try {
      logger.info({ backlog: await readBacklog(pool) }, 'step dispatch backlog');
    } catch (err) {
      logger.warn({ err }, 'could not read the dispatch backlog');
    }
  };
  await report();
  const timer = setInterval(() => void report(), env.RUNNER_REPORT_INTERVAL_MS);
  logger.info('runner started (step execution arrives with the runner issue)');

  const shutdown = async (signal: string) => {
    logger.info({ signal }, 'runner shutting down');
    clearInterval(timer);
    await pool.end();
    logger.info('stopped');
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
