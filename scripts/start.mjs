#!/usr/bin/env node
// `pnpm start`: the whole platform on its embedded defaults, in one terminal.
// 1. PostgreSQL: DATABASE_URL when set, otherwise the embedded server (data persists in
//    GATEHOUSE_PG_DATA_DIR, default <os tmp>/gatehouse/pgdata).
// 2. The API (migrates, seeds the dev principals and demo data, serves GraphQL).
// 3. The demo action receiver, the runner (Postgres transport unless KAFKA_BROKERS is set)
//    and the console (vite preview, proxying /graphql to the API).
// Ctrl-C / SIGTERM stops all of them gracefully, then the database.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { resolveDatabase } = await import(path.join(root, 'packages/db/dist/index.js'));

/** A port from the environment, or the default; anything else stops here with its name. */
function port(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > 65535) {
    process.stderr.write(`[gatehouse] Invalid environment: ${name} must be a port between 1 and 65535, got "${raw}".\n`);
    process.exit(1);
  }
  return Number(raw);
}

const apiPort = port('API_PORT', 4000);
const pgPort = port('GATEHOUSE_PG_PORT', 5433);
const actionsPort = port('DEMO_ACTIONS_PORT', 4010);
const consolePort = port('CONSOLE_PORT', 5173);
const apiUrl = `http://127.0.0.1:${apiPort}`;
const children = [];
let stopping = false;

const log = (msg) => process.stdout.write(`[gatehouse] ${msg}\n`);

const database = await resolveDatabase({
  DATABASE_URL: process.env.DATABASE_URL || undefined,
  GATEHOUSE_PG_DATA_DIR: process.env.GATEHOUSE_PG_DATA_DIR || undefined,
  GATEHOUSE_PG_PORT: pgPort,
});
log(process.env.DATABASE_URL ? 'using DATABASE_URL' : 'embedded PostgreSQL is up');
const env = {
  ...process.env,
  DATABASE_URL: database.url,
  API_PORT: String(apiPort),
  DEMO_ACTIONS_PORT: String(actionsPort),
  CONSOLE_PORT: String(consolePort),
  ACTION_WEBHOOK_URL: process.env.ACTION_WEBHOOK_URL || `http://127.0.0.1:${actionsPort}/actions`,
};

function start(name, command, args, options = {}) {
  const child = spawn(command, args, { cwd: root, env, stdio: 'inherit', ...options });
  children.push({ name, child });
  child.on('exit', (code, signal) => {
    if (!stopping) {
      log(`${name} exited (${signal ?? code}); stopping everything`);
      void stopAll(1);
    }
  });
  return child;
}

async function waitForReady(url, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not become ready within ${timeoutMs / 1000}s`);
}

async function stopAll(code) {
  if (stopping) return;
  stopping = true;
  log('stopping…');
  await Promise.all(
    children.map(
      ({ child }) =>
        new Promise((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', resolve);
          child.kill('SIGTERM');
          setTimeout(() => child.kill('SIGKILL'), 15_000).unref();
        }),
    ),
  );
  await database.stop();
  log('stopped');
  process.exit(code);
}
process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));

start('api', process.execPath, ['apps/api/dist/main.js']);
try {
  await waitForReady(`${apiUrl}/readyz`, 60_000);
} catch (err) {
  log(err.message);
  await stopAll(1);
}
start('demo-actions', process.execPath, ['scripts/demo-action-receiver.mjs']);
start('runner', process.execPath, ['apps/runner/dist/main.js']);
start('console', process.execPath, [path.join(root, 'apps/console/node_modules/vite/bin/vite.js'), 'preview'], {
  cwd: path.join(root, 'apps/console'),
  env: { ...env, GATEHOUSE_API_URL: apiUrl },
});
log(`API      ${apiUrl}/graphql   (health: ${apiUrl}/healthz, ${apiUrl}/readyz)`);
log(`Console  http://127.0.0.1:${consolePort}`);
log(`Actions  ${env.ACTION_WEBHOOK_URL} (demo receiver; set ACTION_WEBHOOK_URL to use your own)`);
log('Dev keys gh_dev_admin gh_dev_owner gh_dev_approver gh_dev_reviewer gh_dev_reviewer2 gh_dev_integrator gh_dev_viewer (header x-api-key)');
