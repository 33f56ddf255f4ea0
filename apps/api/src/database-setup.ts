import { createDataSource, prepareAppLogin, runMigrations, type PreparedAppLogin } from '@gatehouse/db';
import type { Logger } from './logger.js';

/**
 * Migrations as the schema owner, then the application's login (docs/security.md, "Audit
 * integrity"): what the API does at start, and all the one-shot migration job of a deployment
 * does (`gatehouse migrate`, apps/cli), so replicas need not hold the owner's password nor race on migrations.
 */
export async function migrateAndPrepareLogin(options: { ownerUrl: string; databaseUrl: string; production: boolean; logger: Logger }): Promise<PreparedAppLogin & { applied: string[] }> {
  const owner = createDataSource({ url: options.ownerUrl, poolSize: 1 });
  await owner.initialize();
  try {
    const applied = await runMigrations(owner);
    options.logger.info({ applied: applied.length, migrations: applied }, 'migrations applied');
    const appLogin = await prepareAppLogin(owner, { databaseUrl: options.databaseUrl, production: options.production });
    options.logger.info({ login: appLogin.login, derived: appLogin.derived }, 'application database login ready');
    return { ...appLogin, applied };
  } finally {
    await owner.destroy();
  }
}
