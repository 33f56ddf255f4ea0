import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { appendFileSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** A Gatehouse process (API or runner) started from its build, so its memory is its own. */
export interface NodeProcess {
  name: string;
  pid: number;
  child: ChildProcess;
  /** The last 64 KiB it printed, for error messages. */
  output(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when it has exited. */
  stop(graceMs?: number): Promise<void>;
}

const running = new Set<ChildProcess>();

/** For an interrupted bench: SIGKILL the processes it started that still run. */
export function killChildren(): void {
  for (const child of running) child.kill('SIGKILL');
}

export function spawnNode(name: string, script: string, env: Record<string, string>): NodeProcess {
  // BENCH_CHILD_NODE_ARGS: node flags for the API and runners only, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
  const nodeArgs = (process.env.BENCH_CHILD_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, path.join(repoRoot, script)], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error(`${name} did not start`);
  let out = '';
  // BENCH_CHILD_LOG_DIR: also keep each process's whole output there (e.g. with --trace-gc).
  const logDir = process.env.BENCH_CHILD_LOG_DIR;
  const logFile = logDir ? path.join(logDir, `${name}-${child.pid}.log`) : null;
  const keep = (chunk: Buffer) => {
    out = (out + chunk.toString('utf8')).slice(-65_536);
    if (logFile) appendFileSync(logFile, chunk);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  running.add(child);
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      running.delete(child);
      resolve();
    }),
  );
  return {
    name,
    pid: child.pid,
    child,
    output: () => out,
    async stop(graceMs = 15_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Fails with the process's output if it exits while `work` runs. */
export async function whileAlive<T>(proc: NodeProcess, work: Promise<T>): Promise<T> {
  let onExit: (() => void) | undefined;
  const died = new Promise<never>((_, reject) => {
    onExit = () => reject(new Error(`${proc.name} exited (${proc.child.exitCode ?? proc.child.signalCode}):\n${proc.output().slice(-4000)}`));
    proc.child.once('exit', onExit);
  });
  try {
    return await Promise.race([work, died]);
  } finally {
    proc.child.off('exit', onExit!);
  }
}

function statusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number | null {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

/**
 * Samples a process's resident memory (VmRSS) every `intervalMs`; `peakMb()` is the larger of the
 * highest sample and the kernel's high-water mark (VmHWM), read while the process is alive.
 */
export class MemorySampler {
  private maxKb = 0;
  private readonly timer: NodeJS.Timeout;
  constructor(private readonly pid: number, intervalMs = 200) {
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
    this.sample();
  }

  private sample(): void {
    const kb = Math.max(statusKb(this.pid, 'VmRSS') ?? 0, statusKb(this.pid, 'VmHWM') ?? 0);
    if (kb > this.maxKb) this.maxKb = kb;
  }

  /** Call before the process exits (its /proc entry goes with it). */
  peakMb(): number {
    this.sample();
    return this.maxKb / 1024;
  }

  stop(): number {
    const peak = this.peakMb();
    clearInterval(this.timer);
    return peak;
  }
}

const CLOCK_TICKS = (() => {
  const out = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
  const n = Number(out.stdout?.trim());
  return Number.isFinite(n) && n > 0 ? n : 100;
})();

/** utime + stime of a process, in seconds (null when it is gone or /proc is not there). */
function cpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return null;
  }
}

function parentPid(pid: string): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return null;
  }
}

/** CPU seconds of a PostgreSQL server: its postmaster and the backends and workers it forked. */
function serverCpuSeconds(postmasterPid: number): number {
  let total = cpuSeconds(postmasterPid) ?? 0;
  for (const entry of readdirSync('/proc')) {
    if (/^\d+$/.test(entry) && parentPid(entry) === postmasterPid) total += cpuSeconds(Number(entry)) ?? 0;
  }
  return total;
}

function machineTicks(): { busy: number; iowait: number; total: number } {
  const [cpu] = readFileSync('/proc/stat', 'utf8').split('\n');
  const [user, nice, system, idle, iowait, irq, softirq, steal] = cpu!.trim().split(/\s+/).slice(1).map(Number) as number[];
  const busy = user! + nice! + system! + irq! + softirq! + steal!;
  return { busy, iowait: iowait!, total: busy + idle! + iowait! };
}

/** Where the CPU went during a phase, in percent of one core. */
export interface CpuUse {
  seconds: number;
  /** Per watched process. */
  processes: Record<string, number>;
  /** The bench's PostgreSQL server, all its processes (embedded server only). */
  postgres: number | null;
  /** Everything else on the machine: other people's work skews the figures. */
  others: number;
  /** The whole machine, in percent of all its cores; and time waiting for I/O. */
  machineBusy: number;
  machineIowait: number;
}

/**
 * Starts watching; the returned function stops and reports. `postmasterPid` is the bench's own
 * PostgreSQL server (null for DATABASE_URL, whose server may be elsewhere).
 */
export function watchCpu(pids: Record<string, number>, postmasterPid: number | null): () => CpuUse {
  const started = process.hrtime.bigint();
  const before = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, name === 'bench' ? process.cpuUsage() : cpuSeconds(pid)]));
  const pgBefore = postmasterPid ? serverCpuSeconds(postmasterPid) : 0;
  const ticksBefore = machineTicks();
  return () => {
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const processes: Record<string, number> = {};
    for (const [name, pid] of Object.entries(pids)) {
      const b = before[name];
      if (name === 'bench') {
        const used = process.cpuUsage(b as NodeJS.CpuUsage);
        processes[name] = ((used.user + used.system) / 1e6 / seconds) * 100;
      } else {
        const now = cpuSeconds(pid);
        if (now !== null && typeof b === 'number') processes[name] = ((now - b) / seconds) * 100;
      }
    }
    const postgres = postmasterPid ? ((serverCpuSeconds(postmasterPid) - pgBefore) / seconds) * 100 : null;
    const ticks = machineTicks();
    const total = ticks.total - ticksBefore.total || 1;
    const machineBusy = ((ticks.busy - ticksBefore.busy) / total) * 100;
    const ours = Object.values(processes).reduce((a, b) => a + b, 0) + (postgres ?? 0);
    return {
      seconds,
      processes,
      postgres,
      others: Math.max(0, machineBusy * os.cpus().length - ours),
      machineBusy,
      machineIowait: ((ticks.iowait - ticksBefore.iowait) / total) * 100,
    };
  };
}

/** Percent of the machine busy over `ms`, before a phase starts (someone else's tests skew the figures). */
export async function machineBusyOver(ms: number): Promise<number> {
  const a = machineTicks();
  await new Promise((r) => setTimeout(r, ms));
  const b = machineTicks();
  return ((b.busy - a.busy) / (b.total - a.total || 1)) * 100;
}

/**
 * Waits (at most `maxMs`) until the machine is under `quietPercent` busy over a second: the
 * previous phase's stragglers (autovacuum of its tables, a checkpoint, processes exiting) are
 * not the next phase's load. Returns the last second's figure and how long it took.
 */
export async function waitForQuiet(quietPercent: number, maxMs: number): Promise<{ busy: number; waitedMs: number }> {
  const started = Date.now();
  let busy = await machineBusyOver(1000);
  while (busy > quietPercent && Date.now() - started < maxMs) busy = await machineBusyOver(1000);
  return { busy, waitedMs: Date.now() - started };
}

export function describeCpu(cpu: CpuUse): string {
  const parts = Object.entries(cpu.processes).map(([name, pct]) => `${name} ${pct.toFixed(0)}%`);
  if (cpu.postgres !== null) parts.push(`postgres ${cpu.postgres.toFixed(0)}%`);
  parts.push(`other processes ${cpu.others.toFixed(0)}%`);
  return `CPU (% of one core): ${parts.join(', ')}; machine ${cpu.machineBusy.toFixed(0)}% busy of ${os.cpus().length} cores, iowait ${cpu.machineIowait.toFixed(1)}%`;
}

/** Polls `url` until it answers 2xx. */
export async function waitForHttp(url: string, proc: NodeProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.child.exitCode !== null) throw new Error(`${proc.name} exited while starting:\n${proc.output().slice(-4000)}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000}s:\n${proc.output().slice(-4000)}`);
}
