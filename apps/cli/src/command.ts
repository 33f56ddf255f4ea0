import { type CliDatabase, type CliDatabaseAccess } from './cli-database.js';
import { type CliEnv } from './cli-env.js';
import { type CliIo } from './cli-io.js';
import { type GatehouseClient } from '@gatehouse/sdk';

/** What a command gets: where to write, and the ways out it may open (lazily, after parsing its arguments). */
export interface CommandContext {
  io: CliIo;
  env: () => CliEnv;
  openDatabase: (access: CliDatabaseAccess) => Promise<CliDatabase>;
  api: () => GatehouseClient;
}

export interface Command {
  /** e.g. ['dead-letters', 'replay'] */
  path: readonly string[];
  summary: string;
  /** The command's --help. */
  usage: string;
  run(args: string[], ctx: CommandContext): Promise<number>;
}
