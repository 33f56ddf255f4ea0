import { exportAuditEvents, verifyAuditChain, type AuditChainBreak } from '@gatehouse/db';
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { isoDate, parseCommandArgs, positiveInt } from '../cli-args.js';
import { CliError } from '../cli-error.js';
import { progressOn } from '../cli-io.js';
import { type Command } from '../command.js';

const WHY: Record<AuditChainBreak, string> = {
  hash_mismatch: "the event's content does not match its hash (edited)",
  prev_hash_mismatch: 'the event does not link to the one before it (rewritten, inserted or reordered)',
  seq_gap: 'the sequence skips here (an event was deleted)',
};

/** `audit verify`: exit 0 when the chain is intact, 1 at the first broken link. */
export const auditVerify: Command = {
  path: ['audit', 'verify'],
  summary: 'recompute the audit hash chain and name the first broken link',
  usage: `usage: gatehouse audit verify [--json] [--batch-size <n>] [--progress]

Walks the whole audit chain read-only as the application role and names the first broken link.
  --json          the result as one JSON object on stdout
  --batch-size    events read per query (default 10000)
  --progress      progress on stderr also when it is not a terminal
Exit codes: 0 intact, 1 broken, 2 bad usage or no database.`,
  async run(args, ctx) {
    const { values } = parseCommandArgs(args, { json: { type: 'boolean' }, 'batch-size': { type: 'string' }, progress: { type: 'boolean' } });
    const batchSize = positiveInt(values['batch-size'], '--batch-size', 10_000);
    const { io } = ctx;
    const db = await ctx.openDatabase('read');
    try {
      const [{ total, pending }] = (await db.ds.query(
        `SELECT coalesce(max(seq), 0)::int AS total, (SELECT count(*)::int FROM audit_pending) AS pending FROM audit_events`,
      )) as [{ total: number; pending: number }];
      const progress = progressOn(io, values.progress);
      const result = await verifyAuditChain(db.ds.manager, {
        batchSize,
        onProgress: (checked) => progress.update(`verified ${checked} of ${total} events (${Math.floor((checked / Math.max(total, 1)) * 100)}%)`),
      });
      progress.done();
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
  },
};

/** `audit export --from <iso> --to <iso> [--out file]`: JSON lines, then the summary line. */
export const auditExport: Command = {
  path: ['audit', 'export'],
  summary: 'write the audit events of a period as JSON lines an auditor can check',
  usage: `usage: gatehouse audit export --from <iso> --to <iso> [--out <file>] [--progress]

Writes the events with from <= occurred_at < to in seq order as JSON lines, then a summary line
with the chain's head hash (docs/security.md). --out never overwrites an existing file; without
it the lines go to stdout (use \`pnpm -s gatehouse …\` to keep pnpm's banner out).
Exit codes: 0 ok, 2 bad usage or no database.`,
  async run(args, ctx) {
    const { values } = parseCommandArgs(args, { from: { type: 'string' }, to: { type: 'string' }, out: { type: 'string' }, progress: { type: 'boolean' } });
    const from = isoDate(values.from, '--from');
    const to = isoDate(values.to, '--to');
    if (from.getTime() >= to.getTime()) throw new CliError('BAD_ARGUMENT', '--from must be before --to');
    const { io } = ctx;
    const out: WriteStream | NodeJS.WritableStream = values.out ? createWriteStream(values.out, { flags: 'wx' }) : io.stdout;
    if (values.out) {
      await once(out, 'open').catch((error: Error) => {
        throw new CliError('BAD_ARGUMENT', `cannot create --out ${values.out}: ${error.message}`);
      });
    }
    try {
      const db = await ctx.openDatabase('read');
      try {
        const progress = progressOn(io, values.progress);
        let written = 0;
        const summary = await exportAuditEvents(db.ds, {
          from,
          to,
          write: async (line) => {
            if (!out.write(`${line}\n`)) await once(out, 'drain');
            if (++written % 1000 === 0) progress.update(`exported ${written} events`);
          },
        });
        progress.done();
        io.stderr.write(
          `exported ${summary.events} events${summary.firstSeq === null ? '' : ` (seq ${summary.firstSeq}..${summary.lastSeq})`}` +
            `${values.out ? ` to ${values.out}` : ''}; chain head seq ${summary.chainHeadSeq ?? '-'} hash ${summary.chainHeadHash ?? '-'}\n`,
        );
        return 0;
      } finally {
        await db.close();
      }
    } finally {
      if (values.out) {
        (out as WriteStream).end();
        await once(out, 'close');
      }
    }
  },
};
