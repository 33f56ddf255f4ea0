import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CliError } from './cli-error.js';

type Options = NonNullable<ParseArgsConfig['options']>;
type WithHelp<O extends Options> = O & { help: { type: 'boolean'; short: 'h' } };
type Parsed<O extends Options> = ReturnType<typeof parseArgs<{ args: string[]; strict: true; allowPositionals: false; options: WithHelp<O> }>>;

/** Strict parsing with `--help` on every command; parseArgs' own messages become usage errors. */
export function parseCommandArgs<O extends Options>(args: string[], options: O): Parsed<O> {
  try {
    return parseArgs({ args, strict: true, allowPositionals: false, options: { ...options, help: { type: 'boolean', short: 'h' } } });
  } catch (error) {
    throw new CliError('BAD_ARGUMENT', (error as Error).message);
  }
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?)?$/;

export function isoDate(value: string | undefined, name: string): Date {
  if (value === undefined) throw new CliError('BAD_ARGUMENT', `${name} is required (an ISO 8601 date or date-time, e.g. 2026-11-01T00:00:00Z)`);
  return optionalIsoDate(value, name)!;
}

export function optionalIsoDate(value: string | undefined, name: string): Date | null {
  if (value === undefined) return null;
  const date = new Date(value);
  if (!ISO_DATE.test(value) || Number.isNaN(date.getTime())) {
    throw new CliError('BAD_ARGUMENT', `${name} must be an ISO 8601 date or date-time (e.g. 2026-11-01T00:00:00Z), got "${value}"`);
  }
  return date;
}

export function positiveInt(value: string | undefined, name: string, fallback: number): number;
export function positiveInt(value: string | undefined, name: string): number | null;
export function positiveInt(value: string | undefined, name: string, fallback?: number): number | null {
  if (value === undefined) return fallback ?? null;
  if (!/^\d+$/.test(value) || Number(value) < 1 || !Number.isSafeInteger(Number(value))) {
    throw new CliError('BAD_ARGUMENT', `${name} must be a positive whole number, got "${value}"`);
  }
  return Number(value);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function optionalUuid(value: string | undefined, name: string): string | null {
  if (value === undefined) return null;
  if (!UUID.test(value)) throw new CliError('BAD_ARGUMENT', `${name} must be a run id (a uuid), got "${value}"`);
  return value.toLowerCase();
}
