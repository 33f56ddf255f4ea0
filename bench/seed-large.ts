/*
 * The large, messy history behind `pnpm seed:large` and the bench's `metrics` phase: runs in
 * every status across workflows of very different sizes, with retries, approvals (approved,
 * edited, rejected, late, still pending), exceptions of every reason (open, claimed, resolved,
 * late), shadow outcomes that agree and conflict, per-step costs with spikes, and hand-offs
 * when the schema has a `hand_offs` table.
 *
 * Speed: every row is computed inside PostgreSQL (INSERT … SELECT over generate_series), one
 * transaction per batch of runs; the only randomness is hashint8extended(row, --seed), so the
 * same options give the same rows. Historic audit events are NOT generated: the history is
 * written as data, not replayed through the services, and a chain of millions of events would
 * only slow the seed down (the audit trail starts when the API first changes something).
 */
import { validateDefinition } from '../packages/domain/dist/index.js';
import { createDataSource, runMigrations } from '../packages/db/dist/index.js';
import { refreshMetricsRollups } from '../apps/api/dist/modules/metrics/metrics.rollup.js';
import path from 'node:path';
import pg from 'pg';
import { repoRoot } from './processes.js';
import { batchSql, handOffSql, uuidSql, type ColumnInfo } from './seed-large-sql.js';
import { FAMILIES, workflowKey } from './seed-large-workflows.js';

/** The embedded server `pnpm seed:large` and the bench's metrics phase keep their large databases in (git-ignored). */
export const LARGE_DATA_DIR = path.join(repoRoot, '.gatehouse', 'large', 'pgdata');

export interface SeedOptions {
  databaseUrl: string;
  runs: number;
  workflows: number;
  days: number;
  seed: number;
  /** Runs per transaction. */
  batchSize?: number;
  /** Called after each batch with the runs written so far. */
  onProgress?: (runsDone: number) => void;
  /** "Now": the end of the history (default the real now). */
  now?: Date;
}

export interface SeedResult {
  seconds: number;
  counts: Record<string, number>;
  /** What was left out and why (e.g. no hand_offs table yet). */
  notes: string[];
}

/** Bump when the generated history changes, so a database seeded by an older generator is not reused. */
const GENERATOR_VERSION = 3;

/** What the database comment records, so a bench can reuse a database seeded with the same options. */
export function seedSignature(o: Pick<SeedOptions, 'runs' | 'workflows' | 'days' | 'seed'>): string {
  return `gatehouse seed:large v${GENERATOR_VERSION} runs=${o.runs} workflows=${o.workflows} days=${o.days} seed=${o.seed}`;
}

/** True when the database holds a finished seed with these options. */
export async function alreadySeeded(client: pg.Client, o: Pick<SeedOptions, 'runs' | 'workflows' | 'days' | 'seed'>): Promise<boolean> {
  const { rows } = await client.query<{ c: string | null }>(`SELECT shobj_description(oid, 'pg_database') AS c FROM pg_database WHERE datname = current_database()`);
  return rows[0]?.c === seedSignature(o);
}

const PRINCIPALS = [
  { key: 'owner', name: 'Large Owner', role: 'owner' },
  { key: 'owner2', name: 'Large Change Approver', role: 'owner' },
  { key: 'reviewer1', name: 'Large Reviewer One', role: 'reviewer' },
  { key: 'reviewer2', name: 'Large Reviewer Two', role: 'reviewer' },
  { key: 'reviewer3', name: 'Large Reviewer Three', role: 'reviewer' },
  { key: 'integrator', name: 'Large Integrator', role: 'integrator' },
] as const;

export async function seedLarge(o: SeedOptions): Promise<SeedResult> {
  const started = Date.now();
  const ds = createDataSource({ url: o.databaseUrl, poolSize: 1 });
  await ds.initialize();
  try {
    await runMigrations(ds);
  } finally {
    await ds.destroy();
  }
  for (const f of FAMILIES) {
    const issues = validateDefinition(f.definition);
    if (issues.length > 0) throw new Error(`seed family ${f.name} has an invalid definition: ${JSON.stringify(issues)}`);
  }

  const client = new pg.Client({ connectionString: o.databaseUrl, application_name: 'gatehouse-seed-large' });
  await client.connect();
  try {
    const { rows: existing } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM runs`);
    if (Number(existing[0]!.n) > 0) throw new Error('the database already holds runs: seed:large writes into an empty database (use a new one)');
    // Bulk load: a lost batch is re-run from scratch, so waiting for each commit's flush buys nothing.
    await client.query(`SET synchronous_commit = off`);
    const now = o.now ?? new Date();
    let handOffColumns = await tableColumns(client, 'hand_offs');
    const notes: string[] = ['historic audit events are not generated (the audit trail starts with the first change made through the API)'];
    if (!handOffColumns) notes.push('no hand_offs table in this schema: hand-offs not generated');
    else if (handOffSql(handOffColumns).unknownRequired.length > 0) {
      notes.push(`hand_offs has required columns the generator does not know (${handOffSql(handOffColumns).unknownRequired.join(', ')}): hand-offs not generated`);
      handOffColumns = null;
    }
    await client.query('BEGIN');
    const shares = await writeSetup(client, o, now);
    await client.query('COMMIT');
    const batch = o.batchSize ?? 50_000;
    for (let lo = 0; lo < o.runs; lo += batch) {
      const hi = Math.min(o.runs, lo + batch);
      await client.query('BEGIN');
      await writeBatch(client, [o.seed, lo, hi, shares.workflowCum, shares.slotCum], handOffColumns);
      await client.query('COMMIT');
      o.onProgress?.(hi);
    }
    await client.query(`DROP TABLE seed_wf, seed_params`);
    // Derived data the way the API keeps it: the schema's triggers logged every hour the batches
    // wrote (metrics_changes); the API's own refresh turns that log into the metrics rollups.
    await client.query('ANALYZE');
    const rollupStarted = Date.now();
    const rollup = await refreshMetricsRollups(client, { batchHours: 5_000 });
    notes.push(`metrics rollups built for ${rollup.hours} (workflow, hour) pairs in ${((Date.now() - rollupStarted) / 1000).toFixed(1)} s`);
    await client.query('ANALYZE');
    const counts: Record<string, number> = {};
    for (const table of ['workflows', 'workflow_versions', 'runs', 'step_attempts', 'approvals', 'exception_items', 'shadow_outcomes', ...(handOffColumns ? ['hand_offs'] : []), 'metrics_hourly']) {
      const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`);
      counts[table] = Number(rows[0]!.n);
    }
    try {
      await client.query(`COMMENT ON DATABASE ${client.escapeIdentifier(await currentDatabase(client))} IS ${client.escapeLiteral(seedSignature(o))}`);
    } catch (err) {
      // Only the database's owner may comment on it; the mark only serves reuse by the bench.
      notes.push(`the database could not be marked as seeded (${err instanceof Error ? err.message : String(err)}): the bench will not reuse it`);
    }
    return { seconds: (Date.now() - started) / 1000, counts, notes };
  } finally {
    await client.end();
  }
}

async function currentDatabase(client: pg.Client): Promise<string> {
  const { rows } = await client.query<{ d: string }>(`SELECT current_database() AS d`);
  return rows[0]!.d;
}


/** The table's columns (null when the table does not exist), to write only the ones it has. */
async function tableColumns(client: pg.Client, table: string): Promise<ColumnInfo[] | null> {
  const { rows } = await client.query<{ column_name: string; is_nullable: string; column_default: string | null }>(
    `SELECT column_name, is_nullable, column_default FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1`,
    [table],
  );
  if (rows.length === 0) return null;
  return rows.map((r) => ({ name: r.column_name, required: r.is_nullable === 'NO' && r.column_default === null }));
}

/**
 * Principals, workflows (two versions each: v1 superseded by v2 part-way through the history),
 * and the per-workflow parameters the batches read (temp table seed_wf).
 */
async function writeSetup(client: pg.Client, o: SeedOptions, now: Date): Promise<{ workflowCum: number[]; slotCum: number[] }> {
  const start = new Date(now.getTime() - o.days * 86_400_000);
  const ids: Record<string, string> = {};
  for (const p of PRINCIPALS) {
    const { rows } = await client.query<{ id: string }>(
      `INSERT INTO principals (id, name, email, role, created_at) VALUES (${uuidSql('principal', '$2')}, $3, $4, $5, $6) RETURNING id`,
      [o.seed, p.key, p.name, `${p.key}.s${o.seed}@large.gatehouse.dev`, p.role, start],
    );
    ids[p.key] = rows[0]!.id;
  }
  // Zipf-like sizes: a few large workflows, a long tail.
  const weights = Array.from({ length: o.workflows }, (_, i) => 1 / (i + 1) ** 1.2);
  const total = weights.reduce((a, b) => a + b, 0);
  await client.query(`
    CREATE TEMP TABLE seed_wf (
      idx int PRIMARY KEY, id uuid, v1 uuid, v2 uuid, switch_at timestamptz, shadow_until timestamptz, draft_until timestamptz,
      steps text[], kinds text[], alt_last text, n int, gate int, gate_class text, gate_role text, approval_rate float8,
      exc_step int, exc_rate float8, agent_step int, missing_field text, family int, sla_ap int, sla_exc int,
      spike_from timestamptz, spike_to timestamptz, cost_factor float8)`);
  const rand = mulberry32(o.seed);
  const cum: number[] = [];
  let acc = 0;
  for (let i = 0; i < o.workflows; i++) {
    const f = FAMILIES[i % FAMILIES.length]!;
    const familyIndex = i % FAMILIES.length;
    const key = workflowKey(i);
    // Rollout history: most workflows went shadow → draft → execute during the window; the tail's last few are still in shadow.
    const stillShadow = i >= o.workflows - 2 && o.workflows > 4;
    const shadowDays = stillShadow ? o.days + 1 : 5 + rand() * 30;
    const draftDays = stillShadow ? o.days + 1 : shadowDays + 3 + rand() * 14;
    const stage = stillShadow ? 'shadow' : 'execute';
    const wfCreated = new Date(start.getTime() - 86_400_000);
    const at = (d: number) => new Date(start.getTime() + d * 86_400_000);
    const switchAt = at(o.days * (0.3 + rand() * 0.5));
    const { rows } = await client.query<{ id: string; v1: string; v2: string }>(
      `WITH w AS (
         INSERT INTO workflows (id, key, name, description, outcome, operational_owner_id, change_approver_id, failure_reviewer_id, rollout_stage, created_by, created_at, updated_at)
         VALUES (${uuidSql('workflow', '$2')}, $2, $3, 'Generated by pnpm seed:large.', $4, $5, $6, $7, $8, $5, $9, $10) RETURNING id),
       v AS (
         INSERT INTO workflow_versions (id, workflow_id, version, status, definition, change_note, author_id, approved_by, approved_at, published_by, published_at, created_at)
         SELECT ${uuidSql('version', "$2 || ':' || n")}, w.id, n, CASE n WHEN 1 THEN 'superseded' ELSE 'published' END, $11, CASE n WHEN 1 THEN 'first version' ELSE 'tighter wording after review' END,
                $5, $6, CASE n WHEN 1 THEN $9 ELSE $10 END, $5, CASE n WHEN 1 THEN $9 ELSE $10 END, CASE n WHEN 1 THEN $9 ELSE $10 END
           FROM w, generate_series(1, 2) n RETURNING id, version)
       SELECT (SELECT id FROM w) AS id, (SELECT id FROM v WHERE version = 1) AS v1, (SELECT id FROM v WHERE version = 2) AS v2`,
      [o.seed, key, `${f.name} (${key})`, JSON.stringify({ statement: `The ${f.name} outcome.`, targetMetric: 'straight-through rate' }), ids.owner, ids.owner2, ids.reviewer1, stage, wfCreated, switchAt, JSON.stringify(f.definition)],
    );
    const w = rows[0]!;
    await client.query(`UPDATE workflows SET published_version_id = $1 WHERE id = $2`, [w.v2, w.id]);
    // One large agent workflow had a model change that tripled its cost for ten days.
    const spike = f.agentStep > 0 && i < FAMILIES.length;
    const spikeFrom = at(o.days * 0.6);
    await client.query(
      `INSERT INTO seed_wf VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25)`,
      [
        i + 1, w.id, w.v1, w.v2, switchAt, at(shadowDays), at(draftDays), f.steps, f.kinds, f.altLast, f.steps.length, f.gateStep, f.gateActionClass, f.gateRole,
        f.approvalRate, f.exceptionStep, 0.03 + rand() * 0.09, f.agentStep, f.missingField, familyIndex, f.slaApprovalMinutes, f.slaExceptionMinutes,
        spike ? spikeFrom : null, spike ? new Date(spikeFrom.getTime() + 10 * 86_400_000) : null, 0.5 + rand() * 1.5,
      ],
    );
    cum.push(acc / total);
    acc += weights[i]!;
  }
  // Hourly slots over the window: office hours and weekdays carry most of the volume, with slow growth.
  const slots: number[] = [];
  const hours = o.days * 24;
  let slotAcc = 0;
  const slotWeights: number[] = [];
  for (let h = 0; h < hours; h++) {
    const t = new Date(start.getTime() + h * 3_600_000);
    const hour = t.getUTCHours();
    const day = t.getUTCDay();
    const diurnal = 0.15 + Math.exp(-((hour - 14) ** 2) / 18);
    const weekday = day === 0 || day === 6 ? 0.35 : 1;
    slotWeights.push(diurnal * weekday * (0.7 + (0.6 * h) / hours));
  }
  const slotTotal = slotWeights.reduce((a, b) => a + b, 0);
  for (const wgt of slotWeights) {
    slots.push(slotAcc / slotTotal);
    slotAcc += wgt;
  }
  await client.query(`CREATE TEMP TABLE seed_params AS SELECT $1::timestamptz AS t_start, $2::timestamptz AS t_now, $3::uuid[] AS reviewers, $4::uuid AS owner, $5::uuid AS integrator`, [
    start,
    now,
    [ids.reviewer1, ids.reviewer2, ids.reviewer3],
    ids.owner,
    ids.integrator,
  ]);
  return { workflowCum: cum, slotCum: slots };
}

/** Small deterministic PRNG for the per-workflow parameters. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function writeBatch(client: pg.Client, params: unknown[], handOffColumns: ColumnInfo[] | null): Promise<void> {
  for (const statement of batchSql(handOffColumns)) {
    // The protocol wants exactly the parameters a statement uses ($1 … $n, in order).
    const used = Math.max(0, ...[...statement.matchAll(/\$(\d+)/g)].map((m) => Number(m[1])));
    const t0 = Date.now();
    await client.query(statement, params.slice(0, used));
    if (process.env.SEED_LARGE_PROFILE) process.stderr.write(`  ${statement.trim().split('\n')[0]!.slice(0, 40)}: ${Date.now() - t0} ms\n`);
  }
}

/** The database a seed with these options lives in, on a shared server: one per option set, so it can be reused. */
export function largeDatabaseName(o: Pick<SeedOptions, 'runs' | 'workflows' | 'days' | 'seed'>): string {
  return `gatehouse_large_r${o.runs}_w${o.workflows}_d${o.days}_s${o.seed}`;
}

/**
 * Makes sure database largeDatabaseName(o) on the server of `serverUrl` holds a finished seed:
 * reuses it when its comment says so, otherwise (re)creates it and seeds it.
 */
export async function ensureSeeded(
  serverUrl: string,
  o: Omit<SeedOptions, 'databaseUrl'>,
): Promise<{ url: string; reused: boolean; result: SeedResult | null }> {
  const name = largeDatabaseName(o);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    const { rows } = await admin.query(`SELECT 1 FROM pg_database WHERE datname = $1`, [name]);
    if (rows.length > 0) {
      const db = new pg.Client({ connectionString: url.toString() });
      await db.connect();
      const done = await alreadySeeded(db, o).finally(() => db.end());
      if (done) return { url: url.toString(), reused: true, result: null };
      // A seed that did not finish (interrupted): start again from an empty database.
      await admin.query(`DROP DATABASE ${admin.escapeIdentifier(name)} WITH (FORCE)`);
    }
    await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(name)}`);
  } finally {
    await admin.end();
  }
  const result = await seedLarge({ ...o, databaseUrl: url.toString() });
  return { url: url.toString(), reused: false, result };
}
