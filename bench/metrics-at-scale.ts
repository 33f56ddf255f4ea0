/*
 * Bench phase `metrics` (opt-in: BENCH_PHASES=metrics): the `metrics` query and the exception
 * queue's first page over HTTP against a large, messy history (`pnpm seed:large`, 1,000,000
 * runs by default). The seeded database is kept and reused across bench runs (keyed by its
 * options), so only the first run pays for the generation.
 *
 * Where: DATABASE_URL's server when set (the database gatehouse_large_… is created there and
 * kept), otherwise the embedded PostgreSQL kept in .gatehouse/large (the one `pnpm seed:large`
 * uses). When a figure misses its target and the server is the embedded one, the slow query is
 * run once more under auto_explain (ANALYZE, BUFFERS) and the top of its plan is printed.
 */
import pg from 'pg';
import { countDirtyHours, refreshMetricsRollups } from '../apps/api/dist/modules/metrics/metrics.rollup.js';
import { REFRESH_LOCK_KEY } from '../apps/api/dist/modules/metrics/metrics.sql.js';
import { startEmbeddedPostgres } from '../packages/db/dist/index.js';
import { fmt } from './report.js';
import { ensureSeeded, LARGE_DATA_DIR, largeDatabaseName, type SeedOptions } from './seed-large.js';
import { workflowKey } from './seed-large-workflows.js';
import { gql, KEYS, startApi, type RunningApi } from './workflow.js';

/*
 * The GraphQL the phase measures, one constant each so they follow the schema. The metrics
 * selection asks for the figures that every version of the type has; the server computes the
 * whole figure set whatever is selected.
 */
export const METRICS_QUERY = `query BenchMetrics($key: String!, $from: DateTimeISO!, $to: DateTimeISO!) {
  metrics(workflowKey: $key, from: $from, to: $to, bucket: day) {
    workflowKey
    total { runsStarted runsFinished completed failed cancelled handedOff exceptionsOpened approvalsRequested approvalsDecided }
    buckets { start figures { runsStarted runsFinished completed exceptionsOpened approvalsRequested } }
  }
}`;

export const EXCEPTION_QUEUE_QUERY = `query BenchExceptionQueue {
  exceptionQueue(first: 50) {
    edges { cursor node { id runId stepId reason status dueAt claimedAt createdAt } }
    pageInfo { hasNextPage endCursor }
  }
}`;

export interface Latency {
  requests: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface MetricsAtScaleResult {
  database: string;
  seed: Pick<SeedOptions, 'runs' | 'workflows' | 'days' | 'seed'>;
  /** null: the database was reused. */
  generationSeconds: number | null;
  counts: Record<string, number> | null;
  workflowKey: string;
  workflowRuns90d: number;
  metrics: Latency;
  /**
   * The same requests while DIRTY_HOURS hours of the window are logged as changed and the
   * refresh is held off: those hours are read from the raw tables (a write-heavy moment).
   */
  metricsWithDirtyHours: Latency & { dirtyHours: number };
  /** Bringing the rollups up to date before measuring (a database seeded before they existed builds them here). */
  rollupCatchUp: { hours: number; seconds: number };
  queue: Latency;
  queueOpenItems: number;
  /** Top lines of the plans auto_explain logged for the missed queries (embedded server only). */
  plans: string[];
}

export interface MetricsAtScaleOptions {
  /** A server to create the database on (DATABASE_URL); null: the embedded one in .gatehouse/large. */
  serverUrl: string | null;
  seed: Pick<SeedOptions, 'runs' | 'workflows' | 'days' | 'seed'>;
  metricsRequests: number;
  queueRequests: number;
  targets: { metricsMs: number; queueP99Ms: number };
  log: (line: string) => void;
}

const GRAPHQL_DATE = (d: Date) => d.toISOString();

/** Hours of the measured window marked dirty for the second metrics measurement. */
const DIRTY_HOURS = 24;

export async function metricsAtScale(o: MetricsAtScaleOptions): Promise<MetricsAtScaleResult> {
  const serverLog: string[] = [];
  const embedded = o.serverUrl
    ? null
    : await startEmbeddedPostgres({ dataDir: LARGE_DATA_DIR, port: 0, database: 'gatehouse_large', onLog: (line) => serverLog.push(line) });
  try {
    const serverUrl = o.serverUrl ?? embedded!.url;
    o.log(`  database ${largeDatabaseName(o.seed)} on ${embedded ? 'the embedded server in .gatehouse/large' : 'DATABASE_URL'}`);
    let lastTenth = -1;
    const seeded = await ensureSeeded(serverUrl, {
      ...o.seed,
      onProgress: (done) => {
        const tenth = Math.floor((done / o.seed.runs) * 10);
        if (tenth !== lastTenth) o.log(`  seeding: ${done} / ${o.seed.runs} runs`);
        lastTenth = tenth;
      },
    });
    if (seeded.reused) o.log('  reused a finished seed with the same options (generation time: see docs/benchmarks.md or `pnpm seed:large`)');
    else o.log(`  generated in ${fmt(seeded.result!.seconds)} s: ${Object.entries(seeded.result!.counts).map(([t, n]) => `${t} ${n}`).join(', ')}`);

    const key = workflowKey(0);
    const to = new Date();
    const from = new Date(to.getTime() - 90 * 86_400_000);
    const { workflowRuns, openItems } = await sizes(seeded.url, key, from, to);
    o.log(`  workflow ${key}: ${workflowRuns} runs in the last 90 days; exception queue: ${openItems} open or claimed items`);

    const variables = { key, from: GRAPHQL_DATE(from), to: GRAPHQL_DATE(to) };
    const api = await startApi(seeded.url);
    let metrics: Latency;
    let metricsWithDirtyHours: Latency & { dirtyHours: number };
    let queue: Latency;
    let rollupCatchUp: { hours: number; seconds: number };
    try {
      // The API has applied the migrations; bring the rollups up to date as its background refresh would.
      rollupCatchUp = await catchUpRollups(seeded.url);
      o.log(`  metrics rollups: ${rollupCatchUp.hours} (workflow, hour) pairs refreshed before measuring, in ${fmt(rollupCatchUp.seconds)} s`);
      const check = await gql<{ metrics: { total: { runsStarted: number } } }>(api.graphqlUrl, KEYS.owner, METRICS_QUERY, variables);
      // Correctness first: the answer must be about the runs that are there.
      if (check.metrics.total.runsStarted !== workflowRuns) throw new Error(`metrics says ${check.metrics.total.runsStarted} runs started, the database holds ${workflowRuns}`);
      metrics = await measure(api, METRICS_QUERY, variables, 5, o.metricsRequests);
      metricsWithDirtyHours = { ...(await withDirtyHours(seeded.url, key, from, to, () => measure(api, METRICS_QUERY, variables, 5, o.metricsRequests))), dirtyHours: DIRTY_HOURS };
      o.log(
        `  metrics with ${DIRTY_HOURS} dirty hours (read from the raw tables): p50 ${fmt(metricsWithDirtyHours.p50Ms)} / p99 ${fmt(metricsWithDirtyHours.p99Ms)} / max ${fmt(metricsWithDirtyHours.maxMs)} ms`,
      );
      queue = await measure(api, EXCEPTION_QUEUE_QUERY, {}, 20, o.queueRequests);
    } finally {
      await api.proc.stop();
    }

    const plans: string[] = [];
    const missed: Array<{ query: string; variables: Record<string, unknown> }> = [];
    if (metrics.p99Ms >= o.targets.metricsMs) missed.push({ query: METRICS_QUERY, variables });
    if (queue.p99Ms >= o.targets.queueP99Ms) missed.push({ query: EXCEPTION_QUEUE_QUERY, variables: {} });
    if (missed.length > 0) {
      if (embedded) plans.push(...(await explainOnce(seeded.url, serverLog, missed)));
      else plans.push('(the plans of a missed query are printed only on the embedded server, whose log the bench reads: run EXPLAIN (ANALYZE, BUFFERS) by hand)');
    }
    return {
      database: largeDatabaseName(o.seed),
      seed: o.seed,
      generationSeconds: seeded.result?.seconds ?? null,
      counts: seeded.result?.counts ?? null,
      workflowKey: key,
      workflowRuns90d: workflowRuns,
      metrics,
      metricsWithDirtyHours,
      rollupCatchUp,
      queue,
      queueOpenItems: openItems,
      plans,
    };
  } finally {
    await embedded?.stop();
  }
}

async function sizes(url: string, key: string, from: Date, to: Date): Promise<{ workflowRuns: number; openItems: number }> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const runs = await c.query<{ n: number }>(`SELECT count(*)::int AS n FROM runs r JOIN workflows w ON w.id = r.workflow_id WHERE w.key = $1 AND r.created_at >= $2 AND r.created_at < $3`, [key, from, to]);
    const open = await c.query<{ n: number }>(`SELECT count(*)::int AS n FROM exception_items WHERE status IN ('open', 'claimed')`);
    return { workflowRuns: runs.rows[0]!.n, openItems: open.rows[0]!.n };
  } finally {
    await c.end();
  }
}

/** Refreshes every dirty rollup hour (alongside the API's own background refresh) until none is left. */
async function catchUpRollups(url: string): Promise<{ hours: number; seconds: number }> {
  const c = new pg.Client({ connectionString: url, application_name: 'gatehouse-bench-rollups' });
  await c.connect();
  const started = Date.now();
  let hours = 0;
  try {
    for (;;) {
      hours += (await refreshMetricsRollups(c, { batchHours: 5_000 })).hours;
      if ((await countDirtyHours(c)) === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 200)); // the API's refresh holds the rest
    }
    return { hours, seconds: (Date.now() - started) / 1000 };
  } finally {
    await c.end();
  }
}

/**
 * Runs `fn` while `DIRTY_HOURS` whole hours spread over the window are logged as changed and no
 * refresh can run (this connection holds the refresh lock): those hours are read raw. The log
 * rows are consumed by the API's refresh afterwards; the seeded history itself is not changed.
 */
async function withDirtyHours<T>(url: string, key: string, from: Date, to: Date, fn: () => Promise<T>): Promise<T> {
  const lock = new pg.Client({ connectionString: url, application_name: 'gatehouse-bench-hold-refresh' });
  await lock.connect();
  try {
    await lock.query('BEGIN');
    await lock.query('SELECT pg_advisory_xact_lock($1)', [REFRESH_LOCK_KEY]);
    const span = Math.floor((to.getTime() - from.getTime()) / 3_600_000) - 2;
    const hours = Array.from({ length: DIRTY_HOURS }, (_, i) => new Date(Math.floor(from.getTime() / 3_600_000 + 1 + Math.floor(((i + 0.5) * span) / DIRTY_HOURS)) * 3_600_000));
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      await c.query(`INSERT INTO metrics_changes (workflow_id, hour) SELECT w.id, h FROM workflows w, unnest($2::timestamptz[]) h WHERE w.key = $1`, [key, hours]);
    } finally {
      await c.end();
    }
    return await fn();
  } finally {
    await lock.query('ROLLBACK').catch(() => undefined);
    await lock.end();
  }
}

/** Sequential requests, one at a time: the latency of one query on an otherwise idle API. */
async function measure(api: RunningApi, query: string, variables: Record<string, unknown>, warmup: number, requests: number): Promise<Latency> {
  for (let i = 0; i < warmup; i++) await gql(api.graphqlUrl, KEYS.owner, query, variables);
  const ms: number[] = [];
  for (let i = 0; i < requests; i++) {
    const t0 = performance.now();
    await gql(api.graphqlUrl, KEYS.owner, query, variables);
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  const at = (q: number) => ms[Math.min(ms.length - 1, Math.max(0, Math.ceil(q * ms.length) - 1))]!;
  return { requests, p50Ms: at(0.5), p99Ms: at(0.99), maxMs: ms[ms.length - 1]! };
}

/**
 * Runs each missed query once through a fresh API whose sessions load auto_explain (set on the
 * database, reset afterwards), and returns the top of the logged plans. auto_explain sees the
 * SQL the service really sends, whatever its current text.
 */
async function explainOnce(url: string, serverLog: string[], queries: Array<{ query: string; variables: Record<string, unknown> }>): Promise<string[]> {
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  const db = admin.escapeIdentifier(name);
  try {
    await admin.query(`ALTER DATABASE ${db} SET session_preload_libraries = 'auto_explain'`);
    await admin.query(`ALTER DATABASE ${db} SET auto_explain.log_min_duration = '5ms'`);
    await admin.query(`ALTER DATABASE ${db} SET auto_explain.log_analyze = on`);
    await admin.query(`ALTER DATABASE ${db} SET auto_explain.log_buffers = on`);
    const from = serverLog.length;
    const api = await startApi(url);
    try {
      for (const q of queries) await gql(api.graphqlUrl, KEYS.owner, q.query, q.variables);
    } finally {
      await api.proc.stop();
    }
    return planLines(serverLog.slice(from));
  } finally {
    await admin.query(`ALTER DATABASE ${db} RESET ALL`);
    await admin.end();
  }
}

/** Each logged plan's duration line and its first plan nodes (the query text is left out: it is long). */
function planLines(lines: string[]): string[] {
  const kept: string[] = [];
  let inPlan = false;
  let taken = 0;
  for (const line of lines) {
    if (/duration: [\d.]+ ms\s+plan:/.test(line)) {
      inPlan = true;
      taken = 0;
      kept.push(line.replace(/^.*LOG:\s*/, ''));
      continue;
    }
    if (!inPlan) continue;
    if (/^\S.*(LOG|ERROR|WARNING|STATEMENT):/.test(line)) {
      inPlan = false;
      continue;
    }
    if (/Query Text:|^\s*$/.test(line) || !/->|Scan|Aggregate|Sort|Join|Buffers|Execution|Planning|Limit|Group|Hash|Nested|Index|Filter|Rows|Heap|Gather|Workers|Memory|CTE|SubPlan/.test(line)) continue;
    if (taken++ < 25) kept.push(`    ${line.replace(/\t/g, '  ').trimEnd()}`);
  }
  return kept;
}
