import { parseStepDispatch } from '@gatehouse/domain';
import os from 'node:os';
import { optionalIsoDate, optionalUuid, parseCommandArgs, positiveInt } from '../cli-args.js';
import { CliError } from '../cli-error.js';
import { progressOn } from '../cli-io.js';
import { type Command } from '../command.js';
import { countDeadLetters, findDeadLetters, type DeadLetterRow } from '../dead-letters/dead-letter-store.js';
import { replayDeadLetter, type ReplayOutcome } from '../dead-letters/replay-dead-letter.js';

export const deadLettersList: Command = {
  path: ['dead-letters', 'list'],
  summary: 'list the step dispatches the runner could not process',
  usage: `usage: gatehouse dead-letters list [--run <id>] [--since <iso>] [--unreplayed] [--limit <n>] [--json]

Oldest first: id, when, run, step, transport, replayed (when), and the reason.
  --run         only this run's
  --since       only those dead-lettered at or after this time
  --unreplayed  only those not replayed yet
  --limit       at most this many (default 1000)
  --json        one JSON object per line
Exit codes: 0 ok, 2 bad usage or no database.`,
  async run(args, ctx) {
    const { values } = parseCommandArgs(args, { run: { type: 'string' }, since: { type: 'string' }, unreplayed: { type: 'boolean' }, limit: { type: 'string' }, json: { type: 'boolean' } });
    const filter = { runId: optionalUuid(values.run, '--run'), since: optionalIsoDate(values.since, '--since'), unreplayedOnly: values.unreplayed ?? false, limit: positiveInt(values.limit, '--limit', 1000) };
    const db = await ctx.openDatabase('read');
    try {
      const rows = await findDeadLetters(db.ds, filter);
      const { stdout } = ctx.io;
      if (values.json) {
        for (const row of rows) stdout.write(`${JSON.stringify(describe(row))}\n`);
      } else if (rows.length === 0) {
        stdout.write('no dead letters\n');
      } else {
        for (const row of rows) {
          const d = describe(row);
          stdout.write(
            `#${d.id}  ${d.createdAt}  run ${d.runId ?? '-'}  step ${d.stepId ?? '-'}  ${d.transport}  ${d.replayedAt ? `replayed ${d.replayedAt}` : d.parseable ? 'not replayed' : 'unparseable'}\n` +
              `      ${d.reason}\n`,
          );
        }
      }
      return 0;
    } finally {
      await db.close();
    }
  },
};

export const deadLettersReplay: Command = {
  path: ['dead-letters', 'replay'],
  summary: 're-dispatch the step a dead letter was about, if the run still waits for it',
  usage: `usage: gatehouse dead-letters replay (--id <n> | --run <id> | --all) [--dry-run] [--json] [--progress]

Re-dispatches the step each dead letter was about, through the domain's rules: only a run that is
still queued or running at that step gets a dispatch, carrying the run's current fencing seq; the
dead letter is marked replayed and an audit event (dead_letter.replayed) is written, all in one
transaction. Finished runs, runs waiting for a person (resolve their exception instead), runs that
moved on, runs with a dispatch already waiting and unparseable payloads are reported, not
replayed. Running it twice is harmless: a replayed dead letter is never replayed again.
  --id        one dead letter
  --run       every dead letter of this run
  --all       every dead letter not replayed yet
  --dry-run   say what would be replayed; change nothing
  --json      one JSON object per dead letter
  --progress  progress on stderr also when it is not a terminal
Connects as the application role (DATABASE_URL, else the embedded PostgreSQL of \`pnpm start\`).
Exit codes: 0 every selected dead letter is replayed (now or before), 1 some could not be
(each is listed with why), 2 bad usage, no such dead letter, or no database.`,
  async run(args, ctx) {
    const { values } = parseCommandArgs(args, {
      id: { type: 'string' },
      run: { type: 'string' },
      all: { type: 'boolean' },
      'dry-run': { type: 'boolean' },
      json: { type: 'boolean' },
      progress: { type: 'boolean' },
    });
    const id = positiveInt(values.id, '--id');
    const runId = optionalUuid(values.run, '--run');
    if ([id !== null, runId !== null, values.all === true].filter(Boolean).length !== 1) {
      throw new CliError('BAD_ARGUMENT', 'say which dead letters: exactly one of --id <n>, --run <id> or --all');
    }
    const dryRun = values['dry-run'] ?? false;
    const { io } = ctx;
    const operator = `${os.userInfo().username}@${os.hostname()} (gatehouse cli)`;
    const db = await ctx.openDatabase(dryRun ? 'read' : 'write');
    try {
      // --id and --run show what happened to replayed ones too; --all works through the rest.
      const filter = { id, runId, unreplayedOnly: values.all === true };
      const total = await countDeadLetters(db.ds, filter);
      if (id !== null && total === 0) throw new CliError('NOT_FOUND', `no dead letter with id ${id}`);
      const progress = progressOn(io, values.progress);
      const outcomes: ReplayOutcome[] = [];
      let afterId = 0;
      for (;;) {
        const page = await findDeadLetters(db.ds, { ...filter, afterId, limit: 500 });
        if (page.length === 0) break;
        for (const deadLetter of page) {
          const outcome = await replayDeadLetter(db.ds, deadLetter, { dryRun, operator });
          outcomes.push(outcome);
          report(outcome, io.stdout, values.json ?? false);
          progress.update(`${dryRun ? 'checked' : 'processed'} ${outcomes.length} of ${total} dead letters`);
        }
        afterId = page.at(-1)!.id;
      }
      progress.done();
      const count = (o: ReplayOutcome['outcome'], reason?: string) => outcomes.filter((x) => x.outcome === o && (!reason || (x.outcome === 'skipped' && x.reason === reason))).length;
      const notReplayable = outcomes.filter((o) => o.outcome === 'skipped' && o.reason !== 'already_replayed').length;
      io.stderr.write(
        `${dryRun ? 'dry run: ' : ''}${outcomes.length} dead letters: ${dryRun ? `${count('would_replay')} would be replayed` : `${count('replayed')} replayed`}, ` +
          `${count('skipped', 'already_replayed')} already replayed, ${notReplayable} not replayable\n`,
      );
      return notReplayable > 0 ? 1 : 0;
    } finally {
      await db.close();
    }
  },
};

function describe(row: DeadLetterRow) {
  const parsed = parseStepDispatch(row.payload);
  return {
    id: row.id,
    createdAt: row.createdAt.toISOString(),
    transport: row.transport,
    topic: row.topic,
    runId: row.runId,
    stepId: parsed.ok ? parsed.dispatch.stepId : null,
    parseable: parsed.ok,
    replayedAt: row.replayedAt?.toISOString() ?? null,
    reason: row.reason,
  };
}

function report(outcome: ReplayOutcome, out: NodeJS.WritableStream, json: boolean): void {
  if (json) {
    out.write(`${JSON.stringify(outcome)}\n`);
    return;
  }
  switch (outcome.outcome) {
    case 'replayed':
    case 'would_replay':
      out.write(`#${outcome.id}  ${outcome.outcome === 'replayed' ? 'replayed' : 'would replay'}: run ${outcome.runId} step "${outcome.stepId}" (seq ${outcome.seq})\n`);
      return;
    case 'skipped':
      out.write(`#${outcome.id}  not replayed [${outcome.reason}]: ${outcome.message}\n`);
      return;
  }
}
