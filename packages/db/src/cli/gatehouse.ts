#!/usr/bin/env node
import 'reflect-metadata';
import { auditExport, auditVerify, type CliIo } from './audit-command.js';
import { openCliDatabase } from './cli-database.js';
import { CliError } from './cli-error.js';

const USAGE = `usage: pnpm gatehouse audit verify [--json] [--batch-size <n>]
       pnpm gatehouse audit export --from <iso> --to <iso> [--out <file>]

Connects to DATABASE_URL, or else to the embedded PostgreSQL of \`pnpm start\`
(GATEHOUSE_PG_DATA_DIR, GATEHOUSE_PG_PORT), read-only, as the application role.
Exit codes: 0 ok, 1 the audit chain is broken, 2 bad usage or no database.`;

/** The `gatehouse` command line; returns the exit code. */
export async function runCli(argv: string[], io: CliIo = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  const [group, command, ...rest] = argv;
  const open = () => openCliDatabase();
  try {
    if (group === 'audit' && command === 'verify') return await auditVerify(rest, open, io);
    if (group === 'audit' && command === 'export') return await auditExport(rest, open, io);
    if (group === undefined || group === '--help' || group === 'help') {
      io.stdout.write(`${USAGE}\n`);
      return 0;
    }
    throw new CliError('BAD_ARGUMENT', `unknown command "${[group, command].filter(Boolean).join(' ')}"`);
  } catch (error) {
    if (error instanceof CliError) {
      io.stderr.write(`gatehouse: error [${error.code}]: ${error.message}\n${error.code === 'BAD_ARGUMENT' ? `${USAGE}\n` : ''}`);
      return 2;
    }
    // 42P01 undefined_table: a database the migrations never ran on.
    if ((error as { code?: string }).code === '42P01') {
      io.stderr.write(`gatehouse: error [NOT_MIGRATED]: ${(error as Error).message}: run the migrations first (start the API once)\n`);
      return 2;
    }
    io.stderr.write(`gatehouse: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 2;
  }
}

process.exitCode = await runCli(process.argv.slice(2));
