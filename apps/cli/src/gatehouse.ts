#!/usr/bin/env node
import 'reflect-metadata';
import { GatehouseClient } from '@gatehouse/sdk';
import { openCliDatabase } from './cli-database.js';
import { loadCliEnv, type CliEnv } from './cli-env.js';
import { CliError } from './cli-error.js';
import { type CliIo } from './cli-io.js';
import { auditExport, auditVerify } from './commands/audit-command.js';
import { bootstrapAdminCommand } from './commands/bootstrap-admin-command.js';
import { deadLettersList, deadLettersReplay } from './commands/dead-letters-command.js';
import { migrate } from './commands/migrate-command.js';
import { workflowExport, workflowImport } from './commands/workflow-command.js';
import { type Command, type CommandContext } from './command.js';

const COMMANDS: readonly Command[] = [migrate, bootstrapAdminCommand, auditVerify, auditExport, deadLettersList, deadLettersReplay, workflowExport, workflowImport];

const USAGE = `usage: gatehouse <command> [options]   (from the repository: pnpm gatehouse …)

${COMMANDS.map((c) => `  ${c.path.join(' ').padEnd(20)} ${c.summary}`).join('\n')}

\`gatehouse <command> --help\` describes a command. Database commands connect to DATABASE_URL
(migrate: DATABASE_MIGRATION_URL first), or else to the embedded PostgreSQL of \`pnpm start\`;
workflow commands go through the API (GATEHOUSE_API_URL, GATEHOUSE_API_KEY). See docs/cli.md.
Exit codes: 0 ok, 1 a check or change failed, 2 bad usage or environment.`;

/** The `gatehouse` command line; returns the exit code. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const command = COMMANDS.find((c) => c.path.every((part, i) => argv[i] === part));
  try {
    if (!command) {
      if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
        io.stdout.write(`${USAGE}\n`);
        return 0;
      }
      const group = COMMANDS.filter((c) => c.path[0] === argv[0]);
      if (group.length > 0 && (argv[1] === undefined || argv[1] === '--help')) {
        io.stdout.write(`${group.map((c) => c.usage).join('\n\n')}\n`);
        return argv[1] === '--help' ? 0 : 2;
      }
      throw new CliError('BAD_ARGUMENT', `unknown command "${argv.slice(0, 2).join(' ')}"`);
    }
    const args = argv.slice(command.path.length);
    if (args.includes('--help') || args.includes('-h')) {
      io.stdout.write(`${command.usage}\n`);
      return 0;
    }
    return await command.run(args, context(io));
  } catch (error) {
    if (error instanceof CliError) {
      const usage = error.code === 'BAD_ARGUMENT' ? `\n${command?.usage ?? USAGE}` : '';
      io.stderr.write(`gatehouse: error [${error.code}]: ${error.message}${usage}\n`);
      return error.exitCode;
    }
    // 42P01 undefined_table: a database the migrations never ran on.
    if ((error as { code?: string }).code === '42P01') {
      io.stderr.write(`gatehouse: error [NOT_MIGRATED]: ${(error as Error).message}: run the migrations first (gatehouse migrate)\n`);
      return 2;
    }
    io.stderr.write(`gatehouse: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 2;
  }
}

function context(io: CliIo): CommandContext {
  let env: CliEnv | undefined;
  const loaded = () => (env ??= loadCliEnv(io.env));
  return {
    io,
    env: loaded,
    openDatabase: (access) => openCliDatabase(loaded(), access),
    api: () => {
      const { GATEHOUSE_API_URL, GATEHOUSE_API_KEY } = loaded();
      if (!GATEHOUSE_API_KEY) throw new CliError('BAD_ENVIRONMENT', 'GATEHOUSE_API_KEY is required: an API key of a principal allowed to do this (owner or admin)');
      return new GatehouseClient({ baseUrl: GATEHOUSE_API_URL, apiKey: GATEHOUSE_API_KEY, timeoutMs: 30_000 });
    },
  };
}

process.exitCode = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env });
