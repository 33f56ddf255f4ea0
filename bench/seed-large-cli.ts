/*
 * `pnpm seed:large [--runs 1000000] [--workflows 20] [--days 180] [--seed 42] [--batch 50000]`
 *
 * Writes a large, messy history (see seed-large.ts) and prints the row counts and the time taken.
 *   DATABASE_URL set:  seeds that database (it must hold no runs yet; migrations are run first).
 *   otherwise:         an embedded PostgreSQL kept in .gatehouse/large (a free port unless
 *                      SEED_LARGE_PORT), database gatehouse_large_r<runs>_w<workflows>_d<days>_s<seed>;
 *                      a finished seed with the same options is reused, an interrupted one redone.
 *                      The server stops when the command ends; the data stays for the next run
 *                      (and for `BENCH_PHASES=metrics pnpm bench`).
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { startEmbeddedPostgres } from '../packages/db/dist/index.js';
import { repoRoot } from './processes.js';
import { ensureSeeded, LARGE_DATA_DIR, largeDatabaseName, seedLarge, type SeedOptions, type SeedResult } from './seed-large.js';

function positiveInt(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw.replace(/_/g, ''));
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer, got "${raw}"`);
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { runs: { type: 'string' }, workflows: { type: 'string' }, days: { type: 'string' }, seed: { type: 'string' }, batch: { type: 'string' } },
  });
  const bar = new cliProgress.SingleBar(
    { format: 'seeding [{bar}] {percentage}% | {value}/{total} runs | {duration_formatted} elapsed, ETA {eta_formatted}', noTTYOutput: true, notTTYSchedule: 5000 },
    cliProgress.Presets.shades_classic,
  );
  const options: Omit<SeedOptions, 'databaseUrl'> = {
    runs: positiveInt('runs', values.runs, 1_000_000),
    workflows: positiveInt('workflows', values.workflows, 20),
    days: positiveInt('days', values.days, 180),
    seed: positiveInt('seed', values.seed, 42),
    batchSize: positiveInt('batch', values.batch, 50_000),
    onProgress: (done) => bar.update(done),
  };
  process.stdout.write(`seed:large: ${options.runs} runs, ${options.workflows} workflows, ${options.days} days of history, seed ${options.seed}\n`);
  let result: SeedResult | null;
  const startBar = () => bar.start(options.runs, 0);
  if (process.env.DATABASE_URL) {
    startBar();
    result = await seedLarge({ ...options, databaseUrl: process.env.DATABASE_URL }).finally(() => bar.stop());
  } else {
    const server = await startEmbeddedPostgres({ dataDir: LARGE_DATA_DIR, port: process.env.SEED_LARGE_PORT ? positiveInt('SEED_LARGE_PORT', process.env.SEED_LARGE_PORT, 0) : 0, database: 'gatehouse_large' });
    try {
      process.stdout.write(`embedded PostgreSQL in ${path.relative(repoRoot, LARGE_DATA_DIR)}, database ${largeDatabaseName(options)}\n`);
      startBar();
      const seeded = await ensureSeeded(server.url, options).finally(() => bar.stop());
      result = seeded.result;
      if (seeded.reused) process.stdout.write(`already seeded with these options: reused ${seeded.url.replace(/\/\/[^@]*@/, '//')}\n`);
      else process.stdout.write(`database: ${seeded.url.replace(/\/\/[^@]*@/, '//')} (the server is stopped now; the data stays)\n`);
    } finally {
      await server.stop();
    }
  }
  if (result) {
    process.stdout.write(`seeded in ${result.seconds.toFixed(1)} s (${Math.round(options.runs / result.seconds)} runs/s)\n`);
    for (const [table, n] of Object.entries(result.counts)) process.stdout.write(`  ${table.padEnd(18)} ${n.toLocaleString('en-US')}\n`);
    for (const note of result.notes) process.stdout.write(`  note: ${note}\n`);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`seed:large failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
