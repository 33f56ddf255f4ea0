import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { exportAuditEvents } from '../audit/audit-export.js';
import { verifyAuditChain, type AuditChainBreak } from '../audit/audit-log.js';
import { type CliDatabase } from './cli-database.js';
import { CliError } from './cli-error.js';

export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

const WHY: Record<AuditChainBreak, string> = {
  hash_mismatch: "the event's content does not match its hash (edited)",
  prev_hash_mismatch: 'the event does not link to the one before it (rewritten, inserted or reordered)',
  seq_gap: 'the sequence skips here (an event was deleted)',
};

/** `audit verify`: exit 0 when the chain is intact, 1 at the first broken link. */
export async function auditVerify(args: string[], open: () => Promise<CliDatabase>, io: CliIo): Promise<number> {
  const { values } = parsed(() => parseArgs({ args, strict: true, options: { json: { type: 'boolean' }, 'batch-size': { type: 'string' } } }));
  const batchSize = positiveInt(values['batch-size'], '--batch-size', 10_000);
  const db = await open();
  try {
    const [{ total, pending }] = (await db.ds.query(
      `SELECT coalesce(max(seq), 0)::int AS total, (SELECT count(*)::int FROM audit_pending) AS pending FROM audit_events`,
    )) as [{ total: number; pending: number }];
    const progress = (checked: number) => {
      const line = `verified ${checked} of ${total} events (${Math.floor((checked / Math.max(total, 1)) * 100)}%)`;
      io.stderr.write(io.stderr.isTTY ? `\r${line}` : `${line}\n`);
    };
    const result = await verifyAuditChain(db.ds.manager, { batchSize, onProgress: progress });
    if (io.stderr.isTTY) io.stderr.write('\n');
    if (values.json) {
      io.stdout.write(`${JSON.stringify({ ...result, pendingUnsealed: pending })}\n`);
    } else if (result.ok) {
      io.stdout.write(`audit chain intact: ${result.checked} events, head seq ${result.headSeq ?? '-'} hash ${result.headHash ?? '-'}\n`);
    } else {
      const broken = result.firstBroken!;
      io.stdout.write(
        `audit chain BROKEN at seq ${broken.seq}, event ${broken.id}: ${broken.reason}, ${WHY[broken.reason]}\n` +
          `last intact event: seq ${result.headSeq ?? '-'} hash ${result.headHash ?? '-'}\n`,
      );
    }
    // Staged events reach the chain when the API next seals; this read-only command does not.
    if (pending > 0 && !values.json) io.stderr.write(`note: ${pending} staged audit events are not sealed onto the chain yet\n`);
    return result.ok ? 0 : 1;
  } finally {
    await db.close();
  }
}

/** `audit export --from <iso> --to <iso> [--out file]`: JSON lines, then the summary line. */
export async function auditExport(args: string[], open: () => Promise<CliDatabase>, io: CliIo): Promise<number> {
  const { values } = parsed(() => parseArgs({ args, strict: true, options: { from: { type: 'string' }, to: { type: 'string' }, out: { type: 'string' } } }));
  const from = isoDate(values.from, '--from');
  const to = isoDate(values.to, '--to');
  if (from.getTime() >= to.getTime()) throw new CliError('BAD_ARGUMENT', '--from must be before --to');
  const out: WriteStream | NodeJS.WritableStream = values.out ? createWriteStream(values.out, { flags: 'wx' }) : io.stdout;
  if (values.out) {
    await once(out, 'open').catch((error: Error) => {
      throw new CliError('BAD_ARGUMENT', `cannot create --out ${values.out}: ${error.message}`);
    });
  }
  const db = await open();
  try {
    const summary = await exportAuditEvents(db.ds, {
      from,
      to,
      write: async (line) => {
        if (!out.write(`${line}\n`)) await once(out, 'drain');
      },
    });
    io.stderr.write(
      `exported ${summary.events} events${summary.firstSeq === null ? '' : ` (seq ${summary.firstSeq}..${summary.lastSeq})`}` +
        `${values.out ? ` to ${values.out}` : ''}; chain head seq ${summary.chainHeadSeq ?? '-'} hash ${summary.chainHeadHash ?? '-'}\n`,
    );
    return 0;
  } finally {
    await db.close();
    if (values.out) {
      (out as WriteStream).end();
      await once(out, 'close');
    }
  }
}

/** parseArgs' own messages ("Unknown option '--x'") as a usage error. */
function parsed<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw new CliError('BAD_ARGUMENT', (error as Error).message);
  }
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?)?$/;

function isoDate(value: string | undefined, name: string): Date {
  if (value === undefined) throw new CliError('BAD_ARGUMENT', `${name} is required (an ISO 8601 date or date-time, e.g. 2026-11-01T00:00:00Z)`);
  const date = new Date(value);
  if (!ISO_DATE.test(value) || Number.isNaN(date.getTime())) {
    throw new CliError('BAD_ARGUMENT', `${name} must be an ISO 8601 date or date-time (e.g. 2026-11-01T00:00:00Z), got "${value}"`);
  }
  return date;
}

function positiveInt(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new CliError('BAD_ARGUMENT', `${name} must be a positive whole number, got "${value}"`);
  return Number(value);
}
