import { exitAfterFlush } from '@gatehouse/config';
import 'reflect-metadata';
import { APP_DATABASE_ROLE, createDataSource, resolveDatabase } from '@gatehouse/db';
import { createApp } from './app.js';
import { migrateAndPrepareLogin } from './database-setup.js';
import { authenticationOptions, hardeningOptions, loadApiEnv, webhookTargetOptions } from './env.js';
import { createLogger } from './logger.js';
import { createMetricsRegistry, metricsAccess, startTracing } from '@gatehouse/telemetry';
import { seedDemoData } from './seed/demo-data.js';
import { seedDevPrincipals } from './seed/dev-principals.js';

async function main(): Promise<void> {
  const env = loadApiEnv();
  // Before anything that may open a span (the demo seed starts runs).
  const tracing = startTracing(env, 'gatehouse-api');
  const logger = createLogger(env.LOG_LEVEL, 'gatehouse-api', { traceIds: tracing.enabled });
  const metricsRegistry = createMetricsRegistry();
  const database = await resolveDatabase(env);
  if (!env.DATABASE_URL) logger.info({ url: database.url.replace(/:[^:@/]+@/, ':***@') }, 'embedded PostgreSQL started');

  // Migrations run as the schema owner, which then makes sure the application's login exists;
  // everything after runs as that login, which may not rewrite audit history (docs/security.md,
  // "Audit integrity").
  // With a one-shot migration job before the rollout (docs/deployment.md) this finds nothing to
  // apply, and DATABASE_MIGRATION_URL may stay unset in the API's environment.
  const appLogin = await migrateAndPrepareLogin({ ownerUrl: env.DATABASE_MIGRATION_URL ?? database.url, databaseUrl: database.url, production: env.NODE_ENV === 'production', logger });
  const dataSource = createDataSource({ url: appLogin.url, poolSize: env.DATABASE_POOL_SIZE, role: APP_DATABASE_ROLE, keepConnections: true });
  await dataSource.initialize();
  if (env.SEED_DEV_PRINCIPALS) await seedDevPrincipals(dataSource);
  if (env.SEED_DEMO_DATA) {
    const seeded = await seedDemoData(dataSource, logger);
    if (seeded) logger.info(seeded, 'demo data seeded');
  }

  const app = await createApp({ dataSource, logger, ...hardeningOptions(env), ...authenticationOptions(env), ...webhookTargetOptions(env), costDriftCheckIntervalMs: env.COST_DRIFT_CHECK_INTERVAL_MS, metricsRefreshIntervalMs: env.METRICS_REFRESH_INTERVAL_MS, payloadRetention: { intervalMs: env.PAYLOAD_RETENTION_INTERVAL_MS, retentionDays: env.PAYLOAD_RETENTION_DAYS }, metricsRegistry, metricsAccess: metricsAccess(env), tracing: tracing.enabled });
  const address = await app.listen(env.API_PORT, env.API_HOST);
  logger.info({ url: `http://${address.address}:${address.port}/graphql` }, 'Gatehouse API listening');
  if (metricsAccess(env).kind === 'closed') logger.warn('/metrics answers 401 until METRICS_TOKEN is set (metrics are not public in production)');
  if (tracing.enabled) logger.info('tracing on: spans are exported over OTLP/HTTP');

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: draining in-flight requests');
    const force = setTimeout(() => {
      logger.error('graceful shutdown timed out; exiting');
      process.exit(1);
    }, env.SHUTDOWN_GRACE_MS);
    force.unref();
    try {
      await app.close();
      await dataSource.destroy();
      await database.stop();
      // Last: the spans of the shutdown itself are exported too.
      await tracing.shutdown().catch((err: unknown) => logger.warn({ err }, 'could not export the last spans'));
      logger.info('stopped');
      await exitAfterFlush(logger, 0);
    } catch (err) {
      logger.error({ err }, 'error during shutdown');
      await exitAfterFlush(logger, 1);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  // The logger may not exist yet (bad environment): write plainly to stderr.
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
