import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type DataSource } from 'typeorm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import {
  APP_DATABASE_ROLE,
  appendAuditEvent,
  computeAuditHash,
  createDataSource,
  verifyAuditChain,
  type AppendAuditEventInput,
  type AuditEventEntity,
  type AuditExportSummary,
  type ExportedAuditEvent,
} from '@gatehouse/db';
import { createTestDatabase, type TestDatabase } from '@gatehouse/db/testing';
import { cli as runCli } from './test/run-cli.js';

/** The CLI against this database. */
const cli = (args: string[], databaseUrl: string) => runCli(args, { DATABASE_URL: databaseUrl });

const event = (n: number, occurredAt?: Date): AppendAuditEventInput => ({
  actorId: '6f9619ff-8b86-4d01-b42d-00c04fc964ff',
  actorRole: 'reviewer',
  action: 'approval.decided',
  subjectType: 'approval',
  subjectId: `approval-${n}`,
  scopeIds: ['workflow-1'],
  data: { n, decision: 'approve', note: 'ünïcode ✓' },
  ...(occurredAt ? { occurredAt } : {}),
});

describe('gatehouse audit', () => {
  let db: TestDatabase;
  /** As the API connects. */
  let app: DataSource;
  /** The owner: only it can edit history, and only with the guard trigger off. */
  let owner: DataSource;
  let stored: AuditEventEntity[];

  beforeEach(async () => {
    db = await createTestDatabase(inject('gatehousePostgres'));
    app = createDataSource({ url: db.url, poolSize: 1, role: APP_DATABASE_ROLE });
    owner = createDataSource({ url: db.url, poolSize: 1 });
    await Promise.all([app.initialize(), owner.initialize()]);
    stored = [];
    for (let n = 1; n <= 10; n++) stored.push(await app.transaction((m) => appendAuditEvent(m, event(n, new Date(Date.UTC(2026, 10, n, 12))))));
  });

  afterEach(async () => {
    await Promise.all([app?.destroy(), owner?.destroy()]);
    await db?.drop();
  });

  async function tamper(...statements: string[]): Promise<void> {
    await owner.transaction(async (m) => {
      await m.query('ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update_delete');
      for (const sql of statements) await m.query(sql);
      await m.query('ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update_delete');
    });
  }

  it('verify: exit 0 on an intact chain, with progress on stderr when asked (it is no TTY here)', async () => {
    const result = await cli(['audit', 'verify', '--batch-size', '4', '--progress'], db.url);
    expect(result).toMatchObject({ code: 0, stdout: `audit chain intact: 10 events, head seq 10 hash ${stored[9]!.hash}\n` });
    expect(result.stderr).toContain('verified 4 of 10 events (40%)\nverified 8 of 10 events (80%)\n');
    const quiet = await cli(['audit', 'verify', '--batch-size', '4'], db.url);
    expect(quiet).toMatchObject({ code: 0, stderr: '' });
  });

  // Each tampering as the owner could do it: [what, SQL, seq of the broken link, which of the
  // appended events (1-based) is now at that seq, reason].
  it.each([
    ['data', [`UPDATE audit_events SET data = jsonb_set(data, '{decision}', '"reject"') WHERE seq = 6`], 6, 6, 'hash_mismatch'],
    ['action', [`UPDATE audit_events SET action = 'approval.withdrawn' WHERE seq = 6`], 6, 6, 'hash_mismatch'],
    ['actor', [`UPDATE audit_events SET actor_id = '00000000-0000-4000-8000-000000000001' WHERE seq = 6`], 6, 6, 'hash_mismatch'],
    ['deleted row', [`DELETE FROM audit_events WHERE seq = 6`], 7, 7, 'seq_gap'],
    // Swapping the seqs of 6 and 7: seq 6 now holds event 7, which links to event 6.
    ['reordered pair', [`UPDATE audit_events SET seq = -seq WHERE seq IN (6, 7)`, `UPDATE audit_events SET seq = CASE seq WHEN -6 THEN 7 ELSE 6 END WHERE seq < 0`], 6, 7, 'prev_hash_mismatch'],
  ] as const)('a changed %s is reported at the exact link by verifyAuditChain and the CLI', async (_what, statements, seq, eventNo, reason) => {
    // A CHECK (seq > 0) would refuse the negative seqs of the swap: the owner can drop it.
    if (_what === 'reordered pair') await owner.query(`ALTER TABLE audit_events DROP CONSTRAINT audit_events_seq_check`);
    await tamper(...statements);
    const id = stored[eventNo - 1]!.id;
    const expected = { ok: false, checked: 6, headSeq: 5, headHash: stored[4]!.hash, firstBroken: { seq, id, reason } };
    expect(await verifyAuditChain(app.manager, { batchSize: 4 })).toEqual(expected);

    const json = await cli(['audit', 'verify', '--json'], db.url);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toEqual({ ...expected, pendingUnsealed: 0 });
    const text = await cli(['audit', 'verify'], db.url);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain(`audit chain BROKEN at seq ${seq}, event ${id}: ${reason}`);
  });

  it('export: the period as JSON lines an auditor can check, then the head hash', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'gatehouse-export-'));
    try {
      const out = path.join(dir, 'audit.jsonl');
      const result = await cli(['audit', 'export', '--from', '2026-11-03T00:00:00Z', '--to', '2026-11-07', '--out', out], db.url);
      expect(result).toMatchObject({ code: 0, stdout: '' });
      expect(result.stderr).toContain(`exported 4 events (seq 3..6) to ${out}; chain head seq 10 hash ${stored[9]!.hash}`);
      const lines = (await readFile(out, 'utf8')).trimEnd().split('\n').map((l) => JSON.parse(l) as unknown);
      const events = lines.slice(0, -1) as ExportedAuditEvent[];
      expect(events.map((e) => [e.type, e.seq, e.id])).toEqual([3, 4, 5, 6].map((n) => ['audit_event', n, stored[n - 1]!.id]));
      for (const [i, e] of events.entries()) {
        const { type: _type, prevHash, hash, ...body } = e;
        expect(computeAuditHash(prevHash, body)).toBe(hash);
        if (i > 0) expect(prevHash).toBe(events[i - 1]!.hash);
      }
      expect(events[0]).toMatchObject({ occurredAt: '2026-11-03T12:00:00.000Z', data: { n: 3, note: 'ünïcode ✓' }, prevHash: stored[1]!.hash });
      expect(lines.at(-1)).toEqual({
        type: 'audit_export',
        from: '2026-11-03T00:00:00.000Z',
        to: '2026-11-07T00:00:00.000Z',
        exportedAt: expect.any(String),
        events: 4,
        firstSeq: 3,
        lastSeq: 6,
        lastEventHash: stored[5]!.hash,
        chainHeadSeq: 10,
        chainHeadHash: stored[9]!.hash,
      } satisfies AuditExportSummary);
      // --out never overwrites an earlier export.
      const again = await cli(['audit', 'export', '--from', '2026-11-03', '--to', '2026-11-07', '--out', out], db.url);
      expect(again.code).toBe(2);
      expect(again.stderr).toContain('[BAD_ARGUMENT]');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('export to stdout; an empty period has only the summary', async () => {
    const result = await cli(['audit', 'export', '--from', '2027-01-01', '--to', '2027-02-01'], db.url);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ type: 'audit_export', events: 0, firstSeq: null, lastEventHash: null, chainHeadSeq: 10 });
  });
});

describe('gatehouse audit, refusing bad input with exit code 2 and a stable code', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(inject('gatehousePostgres'));
  });
  afterAll(() => db?.drop());

  it.each([
    [['audit', 'export', '--to', '2026-11-01'], 'BAD_ARGUMENT', '--from is required'],
    [['audit', 'export', '--from', 'yesterday', '--to', '2026-11-01'], 'BAD_ARGUMENT', '--from must be an ISO 8601'],
    [['audit', 'export', '--from', '2026-11-02', '--to', '2026-11-01'], 'BAD_ARGUMENT', '--from must be before --to'],
    [['audit', 'verify', '--batch-size', '0'], 'BAD_ARGUMENT', '--batch-size must be a positive whole number'],
    [['audit', 'verify', '--bogus'], 'BAD_ARGUMENT', "Unknown option '--bogus'"],
    [['audit', 'rewrite'], 'BAD_ARGUMENT', 'unknown command "audit rewrite"'],
  ])('%j → %s', async (args, code, message) => {
    const result = await cli(args, db.url);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`gatehouse: error [${code}]: ${message}`);
  });

  it('names an unmigrated database and an unreachable server', async () => {
    const empty = await createTestDatabase(inject('gatehousePostgres'), { empty: true });
    try {
      // The role is cluster-wide, so it exists; an empty database has no audit_events table.
      const result = await cli(['audit', 'verify'], empty.url);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('gatehouse: error [NOT_MIGRATED]: relation "audit_events" does not exist: run the migrations first (gatehouse migrate)');
    } finally {
      await empty.drop();
    }
    const url = new URL(db.url);
    url.port = '1';
    const unreachable = await cli(['audit', 'verify'], url.toString());
    expect(unreachable.code).toBe(2);
    expect(unreachable.stderr).toContain('gatehouse: error [DATABASE_UNAVAILABLE]');
  });
});
