import autocannon from 'autocannon';
import http from 'node:http';
import { benchPool } from './postgres.js';
import { describeCpu, MemorySampler, watchCpu, whileAlive, type CpuUse, type NodeProcess } from './processes.js';
import { spawnRunner } from './runner-throughput.js';
import { runStats, waitForCompleted } from './runs.js';
import { BENCH_WORKFLOW_KEY, benchInput, KEYS, startApi } from './workflow.js';

export interface StartRunOptions {
  databaseUrl: string;
  actionUrl: string;
  rate: number;
  connections: number;
  seconds: number;
  /**
   * The same startRun load first, not recorded. A fresh API process is still compiling its hot
   * path well into its first 20 s (V8 finished ~150 optimisations in the 10 s after a 3 s warm-up,
   * ~40 in the 10 s after that: the PostgreSQL protocol's functions run once per batch, so they
   * get hot slowly), and the figure is for a server that has been up, as a deployed one has.
   */
  warmupSeconds: number;
  /** Also run a Postgres-transport runner, so the API shares the database with real step commits. */
  withRunner: boolean;
  postmasterPid: number | null;
  log: (line: string) => void;
}

export interface LatencyFigures {
  requests: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  non2xx: number;
  graphqlErrors: number;
  errors: number;
  /** autocannon only: the first `connections` requests after each idle gap (a burst's start) against the rest. */
  bursts?: { firstP99Ms: number; firstRequests: number; restP99Ms: number };
}

export interface StartRunResult {
  autocannon: LatencyFigures;
  /** autocannon with the same load and `{ __typename }` instead of startRun. */
  floor: LatencyFigures;
  /** The same rate, evenly spaced (one request every 1000/rate ms), for comparison. */
  paced: LatencyFigures;
  apiPeakRssMb: number;
  runnerPeakRssMb: number | null;
  cpu: CpuUse;
  /** Runs started through the API and driven to completion by the runner (withRunner only). */
  runs: { started: number; completed: number; p50Ms: number; p99Ms: number } | null;
}

const PACED_SOCKETS = 10;

const START_RUN = `mutation ($key: String!, $input: JSON!, $wf: String!, $ref: String) { startRun(workflowKey: $wf, idempotencyKey: $key, externalRef: $ref, input: $input) { replayed run { id status } } }`;

/** A startRun with a unique idempotency key; `prefix` doubles as the run's external reference. */
function bodyFor(prefix: string, n: number): string {
  const key = `${prefix}-${n}`;
  return JSON.stringify({ query: START_RUN, variables: { wf: BENCH_WORKFLOW_KEY, key, ref: prefix, input: benchInput(key) } });
}

/**
 * autocannon at `rate` requests/s over `connections` keep-alive connections, a unique idempotency
 * key per request. Note how autocannon limits a rate: each connection sends its share of the
 * second's requests back to back, then waits for the next second, so the API sees a burst at
 * concurrency `connections` every second rather than evenly spaced requests. Its coordinated-
 * omission correction is switched off: with a rate it assumes an expected interval of
 * ceil(1/rate-per-connection) = 1 ms and would add a synthetic sample per millisecond of every
 * response, which is not a latency anybody observed.
 */
/** The floor under the startRun figure: an authenticated GraphQL request that does nothing. */
const NOTHING = JSON.stringify({ query: '{ __typename }' });

async function runAutocannon(url: string, options: StartRunOptions, seconds: number, prefix: string, body: (n: number) => string = (n) => bodyFor(prefix, n)): Promise<LatencyFigures> {
  let n = 0;
  let graphqlErrors = 0;
  const sent: Array<{ at: number; ms: number }> = [];
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': KEYS.integrator },
        connections: options.connections,
        overallRate: options.rate,
        duration: seconds,
        ignoreCoordinatedOmission: true,
        requests: [
          {
            method: 'POST',
            setupRequest: (req) => ({ ...req, body: body(++n) }),
            onResponse: (_status, body) => {
              if (body.includes('"errors"')) graphqlErrors += 1;
            },
          },
        ],
      },
      (error, res) => (error ? reject(error) : resolve(res)),
    );
    instance.on('response', (_client: unknown, _status: number, _bytes: number, ms: number) => sent.push({ at: performance.now() - ms, ms }));
  });
  return {
    bursts: burstFigures(sent, options.connections),
    requests: result.requests.total,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    maxMs: result.latency.max,
    non2xx: result.non2xx,
    graphqlErrors,
    errors: result.errors + result.timeouts,
  };
}

/**
 * Where autocannon's tail comes from: its rate limiter sends a burst at the start of every second
 * after the API sat idle; the first `connections` requests of each burst (sent within 20 ms of
 * a gap of at least 200 ms) against all the others.
 */
function burstFigures(sent: Array<{ at: number; ms: number }>, connections: number): LatencyFigures['bursts'] {
  sent.sort((a, b) => a.at - b.at);
  const first: number[] = [];
  const rest: number[] = [];
  let burstAt = -Infinity;
  let inBurst = 0;
  for (let i = 0; i < sent.length; i++) {
    const { at, ms } = sent[i]!;
    if (i === 0 || at - sent[i - 1]!.at >= 200) {
      burstAt = at;
      inBurst = 0;
    }
    if (at - burstAt < 20 && inBurst < connections) {
      inBurst++;
      first.push(ms);
    } else rest.push(ms);
  }
  return { firstP99Ms: quantile(first, 0.99), firstRequests: first.length, restP99Ms: quantile(rest, 0.99) };
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? NaN;
}

/**
 * Open loop, evenly spaced: one request every 1000/rate ms on a keep-alive pool of PACED_SOCKETS
 * sockets (enough that a slow response never holds back the next request's send time).
 */
async function runPaced(url: string, options: StartRunOptions, seconds: number, prefix: string): Promise<LatencyFigures> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: PACED_SOCKETS });
  const target = new URL(url);
  const latencies: number[] = [];
  let non2xx = 0;
  let graphqlErrors = 0;
  let errors = 0;
  const send = (n: number) =>
    new Promise<void>((resolve) => {
      const body = bodyFor(prefix, n);
      const started = performance.now();
      const req = http.request(
        { agent, host: target.hostname, port: target.port, path: target.pathname, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-api-key': KEYS.integrator } },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (text += c));
          res.on('end', () => {
            latencies.push(performance.now() - started);
            if ((res.statusCode ?? 0) < 200 || (res.statusCode ?? 0) >= 300) non2xx += 1;
            if (text.includes('"errors"')) graphqlErrors += 1;
            resolve();
          });
        },
      );
      req.on('error', () => {
        errors += 1;
        resolve();
      });
      req.end(body);
    });
  const interval = 1000 / options.rate;
  const total = Math.round(seconds * options.rate);
  const inflight: Promise<void>[] = [];
  const t0 = performance.now();
  for (let i = 0; i < total; i++) {
    const wait = t0 + i * interval - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    inflight.push(send(i));
  }
  await Promise.all(inflight);
  agent.destroy();
  return { requests: latencies.length, p50Ms: quantile(latencies, 0.5), p99Ms: quantile(latencies, 0.99), maxMs: Math.max(...latencies), non2xx, graphqlErrors, errors };
}

export async function startRunLatency(options: StartRunOptions): Promise<StartRunResult> {
  const { log } = options;
  const api = await startApi(options.databaseUrl);
  const apiMemory = new MemorySampler(api.proc.pid);
  let runner: NodeProcess | null = null;
  let runnerMemory: MemorySampler | null = null;
  const pool = benchPool(options.databaseUrl, 2);
  try {
    if (options.withRunner) {
      runner = spawnRunner({ transport: 'postgres', databaseUrl: options.databaseUrl, actionUrl: options.actionUrl });
      runnerMemory = new MemorySampler(runner.pid);
    }
    const alive = <T>(work: Promise<T>) => whileAlive(api.proc, runner ? whileAlive(runner, work) : work);
    // Warm-up (JIT, pools, the definition cache), not recorded.
    await alive(runAutocannon(api.graphqlUrl, options, options.warmupSeconds, 'warmup'));

    // What the same load measures when the API does nothing but take the request through HTTP,
    // authentication, the rate limit and Apollo: the part of the figure no startRun change can move.
    const floor = await alive(runAutocannon(api.graphqlUrl, options, Math.min(options.seconds, 10), 'floor', () => NOTHING));
    log(`  floor, the same load with a GraphQL request that does nothing ({ __typename }): p50 ${floor.p50Ms.toFixed(1)} ms, p99 ${floor.p99Ms.toFixed(1)} ms, max ${floor.maxMs.toFixed(1)} ms`);

    const cpu = watchCpu({ api: api.proc.pid, ...(runner ? { runner: runner.pid } : {}), bench: process.pid }, options.postmasterPid);
    const cannon = await alive(runAutocannon(api.graphqlUrl, options, options.seconds, 'cannon'));
    const cpuUse = cpu();
    log(`  autocannon: ${cannon.requests} requests in ${options.seconds} s, p50 ${cannon.p50Ms.toFixed(1)} ms, p99 ${cannon.p99Ms.toFixed(1)} ms, max ${cannon.maxMs.toFixed(1)} ms`);
    if (cannon.bursts) log(`  of which the first ${options.connections} requests of each burst (${cannon.bursts.firstRequests}): p99 ${cannon.bursts.firstP99Ms.toFixed(1)} ms; all others: p99 ${cannon.bursts.restP99Ms.toFixed(1)} ms`);
    log(`  ${describeCpu(cpuUse)}`);
    await new Promise((r) => setTimeout(r, 1000)); // let the requests autocannon abandoned at the end commit
    const { rows } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM runs WHERE external_ref = 'cannon'`);
    const started = rows[0]!.n;
    const ok = cannon.requests - cannon.non2xx - cannon.graphqlErrors;
    // autocannon stops with up to `connections` requests in flight: the API completes them, autocannon does not count them.
    if (started < ok) log(`  WARNING: ${ok} successful startRun responses but only ${started} runs in the database`);
    else log(`  ${started} runs created (${started - ok} were in flight when autocannon stopped)`);

    let runs: StartRunResult['runs'] = null;
    if (runner) {
      // Drained before the paced round, so that round does not compete with this backlog.
      await alive(waitForCompleted(pool, 'cannon', started, 60_000));
      const stats = await runStats(pool, 'cannon');
      runs = { started, completed: stats.runs, p50Ms: stats.p50Ms, p99Ms: stats.p99Ms };
      log(`  the runner drove the ${stats.runs} API-started runs to completion: run latency p50 ${stats.p50Ms.toFixed(0)} ms, p99 ${stats.p99Ms.toFixed(0)} ms`);
    }

    const paced = await alive(runPaced(api.graphqlUrl, options, Math.min(options.seconds, 10), 'paced'));
    log(`  paced (evenly spaced, same rate): ${paced.requests} requests, p50 ${paced.p50Ms.toFixed(1)} ms, p99 ${paced.p99Ms.toFixed(1)} ms, max ${paced.maxMs.toFixed(1)} ms`);
    return {
      autocannon: cannon,
      floor,
      paced,
      apiPeakRssMb: apiMemory.stop(),
      runnerPeakRssMb: runnerMemory?.stop() ?? null,
      cpu: cpuUse,
      runs,
    };
  } finally {
    apiMemory.stop();
    runnerMemory?.stop();
    await runner?.stop();
    await api.proc.stop();
    await pool.end();
  }
}
