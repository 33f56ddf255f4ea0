import { createHash, randomUUID } from 'node:crypto';
import { canonicalJson, GENESIS_HASH } from '@gatehouse/domain';
import { type DataSource, type EntityManager } from 'typeorm';
import { AuditEventEntity } from '../entities/audit-event.entity.js';

/** The prev_hash of the first event; the domain owns the value. */
export const AUDIT_GENESIS_HASH = GENESIS_HASH;

export { AUDIT_APPEND_LOCK_KEY } from './audit-lock.js';

/** Exactly what an event's hash covers (besides the previous hash). */
export interface AuditEventBody {
  seq: number;
  id: string;
  /** ISO 8601, UTC, millisecond precision. */
  occurredAt: string;
  actorId: string | null;
  actorRole: string;
  action: string;
  subjectType: string;
  subjectId: string;
  scopeIds: string[];
  data: Record<string, unknown>;
}

export interface AppendAuditEventInput {
  actorId: string | null;
  actorRole: string;
  action: string;
  subjectType: string;
  subjectId: string;
  scopeIds?: string[];
  data?: Record<string, unknown>;
  occurredAt?: Date;
}

export type AuditChainBreak = 'hash_mismatch' | 'prev_hash_mismatch' | 'seq_gap';

export interface AuditChainVerification {
  ok: boolean;
  /** Events examined, including the broken one when `ok` is false. */
  checked: number;
  /** Hash and seq of the last event that verified; null when none did. */
  headHash: string | null;
  headSeq: number | null;
  firstBroken: null | { seq: number; id: string; reason: AuditChainBreak };
}

/** sha256 hex of `prevHash + '\n' + canonicalJson(body)`; only the body's own fields count. */
export function computeAuditHash(prevHash: string, body: AuditEventBody): string {
  const covered: AuditEventBody = {
    seq: body.seq,
    id: body.id,
    occurredAt: body.occurredAt,
    actorId: body.actorId,
    actorRole: body.actorRole,
    action: body.action,
    subjectType: body.subjectType,
    subjectId: body.subjectId,
    scopeIds: body.scopeIds,
    data: body.data,
  };
  return createHash('sha256').update(`${prevHash}\n${canonicalJson(covered)}`, 'utf8').digest('hex');
}

/*
 * The verifier recomputes hashes from the stored values in text forms that do not depend on
 * node-postgres type parsers: jsonb re-orders keys and re-spells numbers, uuid is lower-cased,
 * timestamptz is rendered by the server. Appending computes the same canonical body in
 * JavaScript (canonicalBody), so the hash written is the hash the verifier recomputes.
 */
export const CANONICAL_COLUMNS = (t: string) => `
  to_char(${t}.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS occurred_at,
  ${t}.actor_id::text AS actor_id,
  ${t}.actor_role AS actor_role,
  ${t}.action AS action,
  ${t}.subject_type AS subject_type,
  ${t}.subject_id AS subject_id,
  array_to_json(${t}.scope_ids)::text AS scope_ids,
  ${t}.data::text AS data`;

interface CanonicalRow {
  occurred_at: string;
  actor_id: string | null;
  actor_role: string;
  action: string;
  subject_type: string;
  subject_id: string;
  scope_ids: string;
  data: string;
}

export interface StoredRow extends CanonicalRow {
  seq: string;
  id: string;
  prev_hash: string;
  hash: string;
}

/**
 * Appends one event to the audit log inside the caller's transaction, so the event commits or
 * rolls back with the change it records. Appends are serialised by a transaction-scoped
 * advisory lock (see appendAuditEvents); call it from READ COMMITTED transactions (the default).
 */
export async function appendAuditEvent(manager: EntityManager, input: AppendAuditEventInput): Promise<AuditEventEntity> {
  const rows = await appendChained(manager, [input]);
  const row = rows.at(-1)!;
  return Object.assign(new AuditEventEntity(), { ...row.body, occurredAt: new Date(row.body.occurredAt), prevHash: row.prevHash, hash: row.hash });
}

/**
 * Appends events to the chain inside the caller's transaction, after any staged ones (see
 * stageAuditEvents), which this transaction takes and seals: a staged event always precedes
 * the events of changes that could only happen after it committed. Returns how many of the
 * caller's events were appended.
 */
export async function appendAuditEvents(manager: EntityManager, inputs: readonly AppendAuditEventInput[]): Promise<number> {
  if (inputs.length === 0) return 0;
  await appendChained(manager, inputs);
  return inputs.length;
}

/**
 * Stages events for the chain without taking its lock: for hot paths where many transactions
 * would otherwise queue on the one lock through their commits. The events commit with the
 * caller's change and are sealed onto the chain by the next append (or sealPendingAuditEvents),
 * in staging order; a reader that needs them on the chain seals first.
 */
export async function stageAuditEvents(manager: EntityManager, inputs: readonly AppendAuditEventInput[]): Promise<void> {
  if (inputs.length === 0) return;
  await manager.query(stageAuditEventsFromSql({ from: '(SELECT $1::jsonb AS events) s', events: 's.events' }), [JSON.stringify(stagedAuditEvents(inputs))]);
}

/**
 * The INSERT that stages events, for a caller that stages them inside a larger statement (a
 * CTE) so that one statement is the whole atomic change: for each row of `from` (SQL after
 * FROM) whose `where` holds, the events of the jsonb array `events` (stagedAuditEvents), in
 * `orderBy` order (a prefix of ORDER BY, e.g. 'r.n, ') and then array order.
 */
export function stageAuditEventsFromSql(source: { from: string; events: string; where?: string; orderBy?: string }): string {
  return `INSERT INTO audit_pending (occurred_at, actor_id, actor_role, action, subject_type, subject_id, scope_ids, data)
     SELECT e.occurred_at, e.actor_id, e.actor_role, e.action, e.subject_type, e.subject_id,
            ARRAY(SELECT jsonb_array_elements_text(e.scope_ids)), e.data
     FROM ${source.from}, jsonb_array_elements(${source.events}) WITH ORDINALITY AS x(doc, n),
          jsonb_to_record(x.doc) AS e(occurred_at timestamptz, actor_id uuid, actor_role text, action text, subject_type text, subject_id text, scope_ids jsonb, data jsonb)
     WHERE ${source.where ?? 'true'}
     ORDER BY ${source.orderBy ?? ''}x.n`;
}

/** The events as stageAuditEventsFromSql reads them (JSON-serialisable). */
export function stagedAuditEvents(inputs: readonly AppendAuditEventInput[]): Array<Record<string, unknown>> {
  const now = new Date();
  return inputs.map((input) => {
    const occurredAt = input.occurredAt ?? now;
    if (Number.isNaN(occurredAt.getTime())) throw new TypeError('occurredAt is an invalid Date');
    return {
      occurred_at: occurredAt.toISOString(),
      actor_id: input.actorId?.toLowerCase() ?? null,
      actor_role: input.actorRole,
      action: input.action,
      subject_type: input.subjectType,
      subject_id: input.subjectId,
      scope_ids: input.scopeIds ?? [],
      data: input.data ?? {},
    };
  });
}

/**
 * Seals every staged event onto the chain in its own transaction; returns how many. The API
 * runs it shortly after staging, and readers of the trail run it first, so the chain is
 * complete without waiting for the next audited change.
 */
export async function sealPendingAuditEvents(ds: DataSource): Promise<number> {
  return ds.transaction(async (tx) => (await appendChained(tx, [])).length);
}

interface LockedAuditHead {
  head_seq: string | null;
  head_hash: string | null;
  /** The staged events taken, as JSON, in staging order; null when there were none. */
  pending: string | null;
}

interface ChainedRow {
  body: AuditEventBody;
  prevHash: string;
  hash: string;
}

/** Takes the lock and the staged events, then appends them followed by `inputs`. */
async function appendChained(manager: EntityManager, inputs: readonly AppendAuditEventInput[]): Promise<ChainedRow[]> {
  if (!manager.queryRunner?.isTransactionActive) {
    throw new Error('appending audit events must run inside a transaction (use dataSource.transaction)');
  }
  const now = new Date();
  const occurred = inputs.map((i) => i.occurredAt ?? now);
  if (occurred.some((d) => Number.isNaN(d.getTime()))) throw new TypeError('occurredAt is an invalid Date');

  const [head] = (await manager.query('SELECT head_seq::text AS head_seq, head_hash, pending FROM audit_lock_take()')) as LockedAuditHead[];
  const staged = head?.pending ? (JSON.parse(head.pending) as StagedEvent[]) : [];
  const all: Array<[EventFields, Date]> = [
    ...staged.map(({ occurredAt, ...fields }): [EventFields, Date] => [fields, new Date(occurredAt)]),
    ...inputs.map((input, at): [EventFields, Date] => [input, occurred[at]!]),
  ];
  if (all.length === 0) return [];

  let prevHash = head?.head_hash ?? AUDIT_GENESIS_HASH;
  let seq = Number(head?.head_seq ?? 0);
  const rows = all.map(([input, occurredAt]) => {
    seq += 1;
    const body = canonicalBody(input, occurredAt, seq);
    const hash = computeAuditHash(prevHash, body);
    const row: ChainedRow = { body, prevHash, hash };
    prevHash = hash;
    return row;
  });
  // One jsonb parameter rather than twelve arrays: pg would escape every element of a text[] or
  // jsonb[] into an array literal, the largest garbage of sealing a burst of runs.
  await manager.query(
    `INSERT INTO audit_events (seq, id, occurred_at, actor_id, actor_role, action, subject_type, subject_id, scope_ids, data, prev_hash, hash)
     SELECT u.seq, u.id, u.occurred_at, u.actor_id, u.actor_role, u.action, u.subject_type, u.subject_id,
            ARRAY(SELECT jsonb_array_elements_text(u.scope_ids)), u.data, u.prev_hash, u.hash
     FROM jsonb_to_recordset($1::jsonb)
          AS u(seq bigint, id uuid, occurred_at timestamptz, actor_id uuid, actor_role text, action text, subject_type text, subject_id text,
               scope_ids jsonb, data jsonb, prev_hash text, hash text)
     ORDER BY u.seq`,
    [
      JSON.stringify(
        rows.map(({ body, prevHash, hash }) => ({
          seq: body.seq,
          id: body.id,
          occurred_at: body.occurredAt,
          actor_id: body.actorId,
          actor_role: body.actorRole,
          action: body.action,
          subject_type: body.subjectType,
          subject_id: body.subjectId,
          scope_ids: body.scopeIds,
          data: body.data,
          prev_hash: prevHash,
          hash,
        })),
      ),
    ],
  );
  return rows;
}

/** A staged event as audit_lock_take() returns it. */
type StagedEvent = EventFields & { occurredAt: string };

/** What an event says, apart from when. */
type EventFields = Omit<AppendAuditEventInput, 'occurredAt'>;

/**
 * An event's hashed body computed here rather than read back from PostgreSQL: what the verifier
 * recomputes from the stored row is canonicalJson of jsonb's text parsed again, which for data
 * that went through JSON once is the same value (numbers are doubles either way, keys are sorted
 * by canonicalJson, dates are ISO strings with milliseconds). The tests pin this equivalence.
 */
function canonicalBody(input: EventFields, occurredAt: Date, seq: number): AuditEventBody {
  return {
    seq,
    id: randomUUID(),
    occurredAt: occurredAt.toISOString(),
    actorId: input.actorId?.toLowerCase() ?? null,
    actorRole: input.actorRole,
    action: input.action,
    subjectType: input.subjectType,
    subjectId: input.subjectId,
    scopeIds: [...(input.scopeIds ?? [])],
    data: JSON.parse(JSON.stringify(input.data ?? {})) as Record<string, unknown>,
  };
}

/**
 * Walks the whole log in seq order (keyset pages of `batchSize`), recomputing every hash from
 * the stored columns and checking each prev_hash against the previous event's hash and that
 * seq runs 1, 2, 3… without gaps. Stops at the first break.
 */
export async function verifyAuditChain(
  manager: EntityManager,
  options: { batchSize?: number; onProgress?: (checked: number) => void } = {},
): Promise<AuditChainVerification> {
  const batchSize = options.batchSize ?? 1000;
  let checked = 0;
  // The last verified event; typed through a cast so TypeScript does not narrow it to null.
  let head = null as { seq: number; hash: string } | null;

  for (;;) {
    const rows = (await manager.query(
      `SELECT seq::text AS seq, id::text AS id, prev_hash, hash, ${CANONICAL_COLUMNS('e')}
       FROM audit_events e
       WHERE e.seq > $1
       ORDER BY e.seq
       LIMIT $2`,
      [head?.seq ?? 0, batchSize],
    )) as StoredRow[];

    for (const row of rows) {
      checked += 1;
      const body = toBody(row);
      const broken = (reason: AuditChainBreak): AuditChainVerification => ({
        ok: false,
        checked,
        headHash: head?.hash ?? null,
        headSeq: head?.seq ?? null,
        firstBroken: { seq: body.seq, id: body.id, reason },
      });
      if (body.seq !== (head?.seq ?? 0) + 1) return broken('seq_gap');
      if (row.prev_hash !== (head?.hash ?? AUDIT_GENESIS_HASH)) return broken('prev_hash_mismatch');
      if (computeAuditHash(row.prev_hash, body) !== row.hash) return broken('hash_mismatch');
      head = { seq: body.seq, hash: row.hash };
    }
    if (rows.length < batchSize) break;
    options.onProgress?.(checked);
  }
  return { ok: true, checked, headHash: head?.hash ?? null, headSeq: head?.seq ?? null, firstBroken: null };
}

export function toBody(row: CanonicalRow & { seq: string; id: string }): AuditEventBody {
  return {
    seq: Number(row.seq),
    id: row.id,
    occurredAt: row.occurred_at,
    actorId: row.actor_id,
    actorRole: row.actor_role,
    action: row.action,
    subjectType: row.subject_type,
    subjectId: row.subject_id,
    scopeIds: JSON.parse(row.scope_ids) as string[],
    data: JSON.parse(row.data) as Record<string, unknown>,
  };
}

