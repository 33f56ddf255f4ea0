import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const runnerRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface RunnerProcess {
  child: ChildProcess;
  /** Resolves once the runner logged that it consumes. */
  ready: Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
}

/** Starts a real runner process (the same main.ts `pnpm start` runs, through tsx). */
export function spawnRunner(env: Record<string, string>): RunnerProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: runnerRoot,
    // No /metrics listener unless a test asks for one: several runners on one host would share the default port.
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', LOG_LEVEL: 'info', RUNNER_METRICS_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  const onData = (chunk: Buffer) => {
    out += chunk.toString('utf8');
    if (out.includes('runner consuming step dispatches')) markReady();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  void exited.then(() => markReady());
  return { child, ready, exited, output: () => out };
}
