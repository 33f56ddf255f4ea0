import { setTimeout as sleep } from 'node:timers/promises';
import { type DataSource } from 'typeorm';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { createDataSource } from '../data-source.js';
import { type AuditEventEntity } from '../entities/index.js';
import { createTestDatabase, type TestDatabase } from '../testing/index.js';
import {
  appendAuditEvent,
  appendAuditEvents,
  AUDIT_GENESIS_HASH,
  computeAuditHash,
  sealPendingAuditEvents,
  stageAuditEvents,
  verifyAuditChain,
  type AppendAuditEventInput,
} from './audit-log.js';

const event = (n: number, extra: Partial<AppendAuditEventInput> = {}): AppendAuditEventInput => ({
  actorId: '6f9619ff-8b86-4d01-b42d-00c04fc964ff',
  actorRole: 'reviewer',
  action: 'approval.decided',
  subjectType: 'approval',
  subjectId: `approval-${n}`,
  scopeIds: ['workflow-1', `run-${n}`],
  data: { n, decision: 'approve' },
  ...extra,
});

describe('audit log', () => {
  let db: TestDatabase;
  let ds: DataSource;

  beforeEach(async () => {
    db = await createTestDatabase(inject('gatehousePostgres'));
    ds = createDataSource({ url: db.url, poolSize: 8 });
    await ds.initialize();
  });

  afterEach(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  async function appendMany(count: number): Promise<AuditEventEntity[]> {
    const stored: AuditEventEntity[] = [];
    for (let n = 1; n <= count; n++) {
      stored.push(await ds.transaction((m) => appendAuditEvent(m, event(n))));
    }
    return stored;
  }

  it('appends batches that continue the chain past seq 9 → 10 and 99 → 100, in order, interleaved with single appends', async () => {
    await appendMany(8);
    // Seq crosses one and two digit boundaries inside and between batches: the head must be
    // found by number, not by text ("9" > "10").
    expect(await ds.transaction((m) => appendAuditEvents(m, [event(9), event(10), event(11)]))).toBe(3);
    await ds.transaction((m) => appendAuditEvent(m, event(12)));
    await ds.transaction((m) => appendAuditEvents(m, Array.from({ length: 90 }, (_, i) => event(13 + i, { data: { n: 13 + i, nested: { b: [1, 'x'], a: null } } }))));
    expect(await ds.transaction((m) => appendAuditEvents(m, []))).toBe(0);

    const rows = (await ds.query(`SELECT seq::int AS seq, subject_id, scope_ids FROM audit_events ORDER BY seq`)) as Array<{ seq: number; subject_id: string; scope_ids: string[] }>;
    expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: 102 }, (_, i) => i + 1));
    expect(rows.map((r) => r.subject_id)).toEqual(Array.from({ length: 102 }, (_, i) => `approval-${i + 1}`));
    expect(rows[50]!.scope_ids).toEqual(['workflow-1', 'run-51']);
    expect(await verifyAuditChain(ds.manager)).toMatchObject({ ok: true, checked: 102, headSeq: 102 });
  });

  it('hashes data in batches exactly as the verifier reads it back from jsonb', async () => {
    const tricky = {
      float: 0.1 + 0.2,
      big: 1e21,
      tiny: 1e-7,
      negativeZero: -0,
      integer: 12345678901234,
      text: 'Zoë ✓ "quoted" \\ back\nline',
      when: new Date('2026-11-26T01:02:03.456Z'),
      empty: {},
      list: [null, true, 'x', { b: 2, a: 1 }],
      skipped: undefined,
    };
    await ds.transaction((m) => appendAuditEvents(m, [event(1, { data: tricky as unknown as Record<string, unknown>, actorId: '6F9619FF-8B86-4D01-B42D-00C04FC964FF' }), event(2)]));
    expect(await verifyAuditChain(ds.manager)).toMatchObject({ ok: true, checked: 2 });
  });

  it('keeps one linear chain when batches are appended concurrently', async () => {
    await Promise.all(Array.from({ length: 6 }, (_, b) => ds.transaction((m) => appendAuditEvents(m, Array.from({ length: 5 }, (_, i) => event(b * 5 + i + 1))))));
    expect(await verifyAuditChain(ds.manager)).toMatchObject({ ok: true, checked: 30, headSeq: 30 });
  });

  it('chains events across transactions and verifies them', async () => {
    const first = await ds.transaction((m) => appendAuditEvent(m, event(1)));
    const [second, third] = await ds.transaction(async (m) => [
      await appendAuditEvent(m, event(2)),
      await appendAuditEvent(m, event(3)),
    ]);

    expect(first).toMatchObject({ seq: 1, prevHash: AUDIT_GENESIS_HASH, subjectId: 'approval-1' });
    expect(second).toMatchObject({ seq: 2, prevHash: first.hash });
    expect(third).toMatchObject({ seq: 3, prevHash: second?.hash });
    expect(await verifyAuditChain(ds.manager)).toEqual({
      ok: true,
      checked: 3,
      headSeq: 3,
      headHash: third?.hash,
      firstBroken: null,
    });
  });

  it('hashes values as PostgreSQL stores them, so awkward jsonb, uuids and times still verify', async () => {
    const stored = await ds.transaction((m) =>
      appendAuditEvent(m, {
        actorId: '6F9619FF-8B86-4D01-B42D-00C04FC964FF', // stored lower-case
        actorRole: 'owner',
        action: 'workflow.version.published',
        subjectType: 'workflow_version',
        subjectId: 'wv-1',
        occurredAt: new Date('2024-11-26T10:11:12.345Z'),
        data: {
          zeta: 1,
          alpha: { list: [3, 1.5, -0, 1e21, 0.1 + 0.2, null], 'ünïcode': 'naïve ✓', empty: {} },
          at: new Date('2024-01-02T03:04:05.006Z'),
          skipped: undefined,
        },
      }),
    );
    expect(stored.actorId).toBe('6f9619ff-8b86-4d01-b42d-00c04fc964ff');
    expect(stored.occurredAt.toISOString()).toBe('2024-11-26T10:11:12.345Z');
    expect(stored.data).toEqual({
      zeta: 1,
      alpha: { list: [3, 1.5, 0, 1e21, 0.30000000000000004, null], 'ünïcode': 'naïve ✓', empty: {} },
      at: '2024-01-02T03:04:05.006Z',
    });
    expect(stored.scopeIds).toEqual([]);
    expect(computeAuditHash(stored.prevHash, { ...stored, occurredAt: '2024-11-26T10:11:12.345Z' })).toBe(
      stored.hash,
    );
    expect(await verifyAuditChain(ds.manager)).toMatchObject({ ok: true, checked: 1 });
  });

  it('leaves no trace and no gap when the transaction rolls back', async () => {
    await expect(
      ds.transaction(async (m) => {
        await appendAuditEvent(m, event(1));
        throw new Error('business rule failed');
      }),
    ).rejects.toThrow('business rule failed');
    const next = await ds.transaction((m) => appendAuditEvent(m, event(2)));
    expect(next.seq).toBe(1);
  });

  it('refuses to append outside a transaction', async () => {
    await expect(appendAuditEvent(ds.manager, event(1))).rejects.toThrow(/inside a transaction/);
    expect(await ds.query('SELECT count(*)::int AS n FROM audit_events')).toEqual([{ n: 0 }]);
  });

  it('stays one linear chain when many connections append at once', async () => {
    const writers = 6;
    const perWriter = 5;
    await Promise.all(
      Array.from({ length: writers }, async (_, w) => {
        for (let i = 0; i < perWriter; i++) {
          await ds.transaction(async (m) => {
            await appendAuditEvent(m, event(w * 100 + i));
            await sleep(2); // hold the lock while others queue behind it
          });
        }
      }),
    );

    const rows = (await ds.query('SELECT seq::int AS seq, prev_hash, hash FROM audit_events ORDER BY seq')) as Array<{
      seq: number;
      prev_hash: string;
      hash: string;
    }>;
    expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: writers * perWriter }, (_, i) => i + 1));
    expect(new Set(rows.map((r) => r.prev_hash)).size).toBe(rows.length);
    expect(await verifyAuditChain(ds.manager, { batchSize: 7 })).toMatchObject({
      ok: true,
      checked: writers * perWriter,
      headSeq: writers * perWriter,
    });
  });

  describe('staged events', () => {
    const chain = async () =>
      (await ds.query(`SELECT seq::int AS seq, subject_id, actor_id::text AS actor_id, data, scope_ids, to_char(occurred_at AT TIME ZONE 'UTC', 'HH24:MI:SS.MS') AS at FROM audit_events ORDER BY seq`)) as Array<{
        seq: number;
        subject_id: string;
        actor_id: string | null;
        data: Record<string, unknown>;
        scope_ids: string[];
        at: string;
      }>;
    const staged = async () => ((await ds.query('SELECT count(*)::int AS n FROM audit_pending')) as Array<{ n: number }>)[0]!.n;

    it('are sealed, in staging order and with their own time, before the next append', async () => {
      await ds.transaction((m) => appendAuditEvent(m, event(1)));
      await ds.transaction((m) => stageAuditEvents(m, [event(2, { occurredAt: new Date('2026-01-02T03:04:05.678Z'), actorId: '6F9619FF-8B86-4D01-B42D-00C04FC964FF' }), event(3)]));
      await ds.transaction((m) => stageAuditEvents(m, [event(4, { actorId: null, data: { nested: { z: 1, a: [true, null, 2.5] } } })]));
      expect(await staged()).toBe(3);
      expect((await chain()).map((r) => r.subject_id)).toEqual(['approval-1']);

      const appended = await ds.transaction((m) => appendAuditEvent(m, event(5)));
      expect(appended.seq).toBe(5);
      const rows = await chain();
      expect(rows.map((r) => r.subject_id)).toEqual(['approval-1', 'approval-2', 'approval-3', 'approval-4', 'approval-5']);
      expect(rows[1]).toMatchObject({ at: '03:04:05.678', actor_id: '6f9619ff-8b86-4d01-b42d-00c04fc964ff', scope_ids: ['workflow-1', 'run-2'] });
      expect(rows[3]).toMatchObject({ actor_id: null, data: { nested: { z: 1, a: [true, null, 2.5] } } });
      expect(await staged()).toBe(0);
      expect(await verifyAuditChain(ds.manager)).toMatchObject({ ok: true, checked: 5, headSeq: 5 });
    });

    it('are sealed on their own by sealPendingAuditEvents, and a staging rollback leaves nothing', async () => {
      await expect(
        ds.transaction(async (m) => {
          await stageAuditEvents(m, [event(1)]);
          throw new Error('run insert failed');
        }),
      ).rejects.toThrow('run insert failed');
      expect(await sealPendingAuditEvents(ds)).toBe(0);
      await ds.transaction((m) => stageAuditEvents(m, [event(2), event(3)]));
      expect(await sealPendingAuditEvents(ds)).toBe(2);
      expect(await sealPendingAuditEvents(ds)).toBe(0);
      expect((await chain()).map((r) => [r.seq, r.subject_id])).toEqual([
        [1, 'approval-2'],
        [2, 'approval-3'],
      ]);
      expect(await verifyAuditChain(ds.manager)).toMatchObject({ ok: true, checked: 2 });
    });

    it('are each sealed exactly once while stagers, appenders and sealers run concurrently', async () => {
      const stagers = 4;
      const perStager = 15;
      let appended = 0;
      let stopping = false;
      const appender = (async () => {
        while (!stopping) {
          await ds.transaction(async (m) => {
            await appendAuditEvent(m, event(9000 + appended, { subjectId: `appended-${appended}` }));
            await sleep(1);
          });
          appended += 1;
        }
      })();
      const sealer = (async () => {
        while (!stopping) {
          await sealPendingAuditEvents(ds);
          await sleep(1);
        }
      })();
      try {
        await Promise.all(
          Array.from({ length: stagers }, async (_, s) => {
            for (let i = 0; i < perStager; i++) {
              await ds.transaction(async (m) => {
                await stageAuditEvents(m, [event(0, { subjectId: `staged-${s}-${i}` })]);
                await sleep(1); // commit while others seal and append
              });
            }
          }),
        );
      } finally {
        stopping = true;
        await Promise.all([appender, sealer]);
      }
      await sealPendingAuditEvents(ds);

      const rows = await chain();
      const stagedIds = rows.map((r) => r.subject_id).filter((id) => id.startsWith('staged-'));
      expect(stagedIds.sort()).toEqual(Array.from({ length: stagers * perStager }, (_, k) => `staged-${Math.floor(k / perStager)}-${k % perStager}`).sort());
      // One stager's events keep their order on the chain.
      for (let s = 0; s < stagers; s++) {
        const own = rows.map((r) => r.subject_id).filter((id) => id.startsWith(`staged-${s}-`));
        expect(own).toEqual(Array.from({ length: perStager }, (_, i) => `staged-${s}-${i}`));
      }
      expect(rows.length).toBe(stagers * perStager + appended);
      expect(await staged()).toBe(0);
      expect(await verifyAuditChain(ds.manager, { batchSize: 11 })).toMatchObject({ ok: true, checked: rows.length });
    });
  });

  describe('tampering, with the guard trigger disabled as the table owner could', () => {
    async function tamper(sql: string, params: unknown[] = []): Promise<void> {
      await ds.transaction(async (m) => {
        await m.query('ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update_delete');
        await m.query(sql, params);
        await m.query('ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update_delete');
      });
    }

    it.each([
      ['data', `UPDATE audit_events SET data = jsonb_set(data, '{decision}', '"reject"') WHERE seq = 7`],
      ['actor', `UPDATE audit_events SET actor_id = NULL WHERE seq = 7`],
      ['time', `UPDATE audit_events SET occurred_at = occurred_at - interval '1 hour' WHERE seq = 7`],
      ['scope', `UPDATE audit_events SET scope_ids = ARRAY['workflow-2'] WHERE seq = 7`],
    ])('names the exact event whose %s was changed', async (_what, sql) => {
      const stored = await appendMany(10);
      await tamper(sql);
      expect(await verifyAuditChain(ds.manager, { batchSize: 3 })).toEqual({
        ok: false,
        checked: 7,
        headSeq: 6,
        headHash: stored[5]?.hash,
        firstBroken: { seq: 7, id: stored[6]?.id, reason: 'hash_mismatch' },
      });
    });

    it('catches a rewritten event whose own hash was recomputed, at the next link', async () => {
      const stored = await appendMany(6);
      const victim = stored[3]!;
      const forgedData = { ...victim.data, decision: 'reject' };
      const forgedHash = computeAuditHash(victim.prevHash, {
        ...victim,
        occurredAt: victim.occurredAt.toISOString(),
        data: forgedData,
      });
      await tamper('UPDATE audit_events SET data = $1::jsonb, hash = $2 WHERE seq = 4', [
        JSON.stringify(forgedData),
        forgedHash,
      ]);
      expect(await verifyAuditChain(ds.manager)).toMatchObject({
        ok: false,
        headSeq: 4,
        firstBroken: { seq: 5, id: stored[4]?.id, reason: 'prev_hash_mismatch' },
      });
    });

    it('catches a deleted event as a gap in seq', async () => {
      const stored = await appendMany(5);
      await tamper('DELETE FROM audit_events WHERE seq = 3');
      expect(await verifyAuditChain(ds.manager)).toMatchObject({
        ok: false,
        checked: 3,
        firstBroken: { seq: 4, id: stored[3]?.id, reason: 'seq_gap' },
      });
    });
  });

  it.each([
    ['UPDATE', `UPDATE audit_events SET action = 'forged'`],
    ['DELETE', `DELETE FROM audit_events`],
    ['TRUNCATE', `TRUNCATE audit_events`],
  ])('the database refuses %s on audit_events', async (op, sql) => {
    await appendMany(2);
    await expect(ds.query(sql)).rejects.toMatchObject({
      code: '42501',
      message: `audit_events is append-only: ${op} is not allowed`,
    });
    expect(await ds.query('SELECT count(*)::int AS n, min(action) AS action FROM audit_events')).toEqual([
      { n: 2, action: 'approval.decided' },
    ]);
    expect((await verifyAuditChain(ds.manager)).ok).toBe(true);
  });
});
