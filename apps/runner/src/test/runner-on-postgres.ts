import { createDataSource } from '@gatehouse/db';
import { createTestDatabase } from '@gatehouse/db/testing';
import { pino } from 'pino';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, inject } from 'vitest';
import { loadRunnerEnv } from '../env.js';
import { startRunner } from '../runner.js';
import { startActionReceiver, type ActionReceiver } from './action-receiver.js';

export interface RunnerOnPostgres {
  /** An owner connection to the test database (seeding, reading what the runner wrote). */
  readonly ds: DataSource;
  /** The webhook receiver the workflows' actions call. */
  readonly receiver: ActionReceiver;
}

/**
 * A real runner (Postgres transport, 200 ms poll) on its own test database, with an action
 * receiver verifying `secret`; started before the file's tests, stopped after them. Read the
 * fields inside tests (they are set in beforeAll).
 */
export function runnerOnPostgres(secret: string): RunnerOnPostgres {
  const fixture = {} as { ds: DataSource; receiver: ActionReceiver };
  const stops: Array<() => Promise<unknown>> = [];
  beforeAll(async () => {
    const db = await createTestDatabase(inject('gatehousePostgres'));
    stops.unshift(() => db.drop());
    fixture.ds = createDataSource({ url: db.url, poolSize: 2 });
    await fixture.ds.initialize();
    stops.unshift(() => fixture.ds.destroy());
    fixture.receiver = await startActionReceiver(secret);
    stops.unshift(() => fixture.receiver.close());
    const runner = await startRunner(loadRunnerEnv({ DATABASE_URL: db.url, ACTION_WEBHOOK_SECRET: secret, RUNNER_POLL_INTERVAL_MS: '200' }), pino({ level: 'silent' }));
    stops.unshift(() => runner.stop());
  });
  afterAll(async () => {
    for (const stop of stops) await stop();
  });
  return fixture;
}
