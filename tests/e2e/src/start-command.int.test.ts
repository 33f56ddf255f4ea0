import { afterEach, describe, expect, it } from 'vitest';
// The runner's own helper for librdkafka's mock cluster, from its build.
import { kafkaUnavailableReason, startKafkaForTests } from '../../../apps/runner/dist/dev/kafka-mock-cluster.js';
import { DEMO_RUN_STATES, startPlatform } from './harness/platform.js';

/*
 * The README's start command as a user runs it (scripts/start.mjs on the built apps, here on a
 * test database instead of the embedded default): the demo workflows really process their
 * runs — some straight through, some to an approval, one to the exception queue — on the
 * default Postgres transport and, with KAFKA_BROKERS set, on Kafka.
 */
const RUNS = `{ runs(first: 100) { edges { node { externalRef status workflow { key } steps { stepId status } } } } }`;

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const kafkaUnavailable = kafkaUnavailableReason();
if (kafkaUnavailable) console.warn(`Skipping the start command on Kafka: ${kafkaUnavailable}.`);

describe.each([
  { transport: 'postgres', skip: false },
  { transport: 'kafka', skip: kafkaUnavailable !== null },
])('pnpm start ($transport transport)', ({ transport, skip }) => {
  it.skipIf(skip)('serves API, runner, demo action receiver and console, and processes the demo runs', async () => {
    const kafkaEnv: Record<string, string> = {};
    if (transport === 'kafka') {
      const kafka = await startKafkaForTests();
      cleanups.push(() => kafka.stop());
      Object.assign(kafkaEnv, { KAFKA_BROKERS: kafka.brokers.join(','), KAFKA_SESSION_TIMEOUT_MS: '6000' });
    }
    // Resolves once every demo run reached its expected state (DEMO_RUN_STATES) and the console answers.
    const platform = await startPlatform({ env: kafkaEnv });
    cleanups.push(() => platform.stop());
    const runs: any[] = (await platform.gql<any>('gh_dev_viewer', RUNS)).runs.edges.map((e: any) => e.node);
    const states = Object.fromEntries(runs.map((r) => [`${r.workflow.key} ${r.externalRef}`, r.status]));
    expect(states).toEqual(DEMO_RUN_STATES);

    // The how-to ticket went straight through the route to the help article; the demo
    // receiver took the action (the start command's log shows it).
    const howTo = runs.find((r) => r.externalRef === 'T-1002');
    expect(howTo.steps.map((s: any) => `${s.stepId}:${s.status}`)).toEqual(['classify:succeeded', 'check:succeeded', 'branch:succeeded', 'send-article:succeeded']);
    await expect.poll(() => platform.output(), { timeout: 10_000 }).toMatch(/\[demo-actions\] send_help_article for run/);

    const page = await fetch(platform.consoleUrl);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="root">');

    expect(await platform.stop()).toBe(0);
    expect(platform.output()).toContain('[gatehouse] stopped');
  });
});
