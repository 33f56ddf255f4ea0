import { isDomainError } from '@gatehouse/domain';
import os from 'node:os';
import { parseCommandArgs } from '../cli-args.js';
import { CliError } from '../cli-error.js';
import { type Command } from '../command.js';
import { bootstrapAdmin } from '../principals/bootstrap-admin.js';

/** `bootstrap-admin`: the first admin and their key on a fresh deployment (the dev seed is refused in production). */
export const bootstrapAdminCommand: Command = {
  path: ['bootstrap-admin'],
  summary: 'create the first admin and their API key (fresh deployment)',
  usage: `usage: gatehouse bootstrap-admin --email <email> --name <name> [--key-name <name>] [--json]

Creates the first admin principal and an API key for them, audited as the system (with your OS
user), and prints the key ONCE on stdout (everything else goes to stderr). Refuses, changing
nothing, when an enabled admin already exists: an admin then adds people with createPrincipal
and keys with createApiKey (the console's People screen, or GraphQL). Running it twice never
creates a second admin.
  --email     the admin's email (sign-in, OIDC matching)
  --name      the admin's name
  --key-name  what the key is for (default: bootstrap); revoke it once named keys exist
  --json      print {"principal", "apiKey", "key"} as one JSON object instead of the bare key
Connects as the application role (DATABASE_URL, else the embedded PostgreSQL of \`pnpm start\`):
its grants are enough, the schema owner is not needed.
Exit codes: 0 created, 1 an enabled admin exists (or the email is taken), 2 bad usage or no database.`,
  async run(args, ctx) {
    const { values } = parseCommandArgs(args, { email: { type: 'string' }, name: { type: 'string' }, 'key-name': { type: 'string' }, json: { type: 'boolean' } });
    if (!values.email) throw new CliError('BAD_ARGUMENT', '--email is required');
    if (!values.name) throw new CliError('BAD_ARGUMENT', '--name is required');
    const { io } = ctx;
    const operator = `${os.userInfo().username}@${os.hostname()} (gatehouse cli)`;
    const db = await ctx.openDatabase('write');
    try {
      const result = await bootstrapAdmin(db.ds, { email: values.email, name: values.name, keyName: values['key-name'] ?? 'bootstrap', operator }).catch((error: unknown) => {
        if (isDomainError(error) && error.code === 'invalid_input') throw new CliError('BAD_ARGUMENT', error.message);
        if (isDomainError(error) && error.code === 'conflict') throw new CliError('CONFLICT', error.message);
        throw error;
      });
      if (result.outcome === 'admin_exists') {
        throw new CliError(
          'CONFLICT',
          `an enabled admin already exists (${result.enabledAdmins}); nothing was changed. An admin adds people with createPrincipal and keys with createApiKey (the console's People screen, or GraphQL)`,
        );
      }
      const { principal, apiKey, key } = result;
      if (values.json) {
        io.stdout.write(`${JSON.stringify({ principal: { id: principal.id, name: principal.name, email: principal.email, role: principal.role }, apiKey: { id: apiKey.id, name: apiKey.name, prefix: apiKey.prefix }, key })}\n`);
      } else {
        io.stdout.write(`${key}\n`);
      }
      io.stderr.write(
        `created admin ${principal.name} <${principal.email}> and the API key "${apiKey.name}" (prefix ${apiKey.prefix}).\n` +
          'The key was printed once: store it now, it cannot be shown again (only its hash is stored).\n',
      );
      return 0;
    } finally {
      await db.close();
    }
  },
};
