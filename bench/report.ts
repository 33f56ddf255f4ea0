import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export const out = (line = ''): void => {
  process.stdout.write(`${line}\n`);
};

export interface Machine {
  date: string;
  os: string;
  cpuModel: string;
  cpus: number;
  memoryGiB: number;
  node: string;
  postgres: Record<string, string>;
  kafka: string | null;
}

export function machine(): Omit<Machine, 'postgres' | 'kafka'> {
  const cpus = os.cpus();
  return {
    date: new Date().toISOString(),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cpus: cpus.length,
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
  };
}

/** One row of the summary: a figure against its target. */
export interface Check {
  metric: string;
  value: number;
  unit: string;
  /** Human-readable target, e.g. "≥ 1000". */
  target: string;
  /** null: reported without a target. */
  pass: boolean | null;
}

export const atLeast = (metric: string, value: number, unit: string, min: number): Check => ({ metric, value, unit, target: `≥ ${fmt(min)} ${unit}`, pass: value >= min });
export const above = (metric: string, value: number, unit: string, min: number): Check => ({ metric, value, unit, target: `> ${fmt(min)} ${unit}`, pass: value > min });
export const below = (metric: string, value: number, unit: string, max: number): Check => ({ metric, value, unit, target: `< ${fmt(max)} ${unit}`, pass: value < max });
export const atMost = (metric: string, value: number, unit: string, max: number): Check => ({ metric, value, unit, target: `≤ ${fmt(max)}${unit ? ` ${unit}` : ''}`, pass: value <= max });
export const info = (metric: string, value: number, unit: string): Check => ({ metric, value, unit, target: '—', pass: null });

export function fmt(value: number): string {
  if (!Number.isFinite(value) || Number.isInteger(value)) return String(value);
  if (Math.abs(value) >= 100) return value.toFixed(0);
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

/** "figure  (target …, ratio …×)" for a phase line. */
export function againstTarget(check: Check, ratio?: { value: number; of: string }): string {
  const verdict = check.pass === null ? '' : check.pass ? ' PASS' : ' MISS';
  const r = ratio ? `, ${fmt(ratio.value)}× ${ratio.of}` : '';
  return `${check.metric}: ${`${fmt(check.value)} ${check.unit}`.trim()} (target ${check.target}${r})${verdict}`;
}

export function summaryTable(checks: Check[]): string {
  const rows = checks.map((c) => [c.metric, `${fmt(c.value)} ${c.unit}`.trim(), c.target, c.pass === null ? 'info' : c.pass ? 'PASS' : 'MISS']);
  const header = ['metric', 'value', 'target', 'result'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

export async function writeResults(dir: string, results: unknown): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, 'latest.json');
  await writeFile(file, `${JSON.stringify(results, null, 2)}\n`);
  return file;
}
