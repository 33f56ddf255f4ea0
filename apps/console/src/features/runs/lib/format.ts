/* Formatting shared by the run and approval screens: times, durations, money, JSON. */

const DATE_TIME = new Intl.DateTimeFormat(undefined, {
  year: 'numeric',
  month: 'short',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

/** A timestamp in the reader's locale and zone; '—' when absent. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : DATE_TIME.format(date);
}

/** 850 → "850 ms", 12_300 → "12.3 s", 125_000 → "2 min 5 s", 7_380_000 → "2 h 3 min". */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 1 : 0)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${Math.round(seconds % 60)} s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

/** Milliseconds between two ISO timestamps; null unless both are set. */
export function between(from: string | null | undefined, to: string | null | undefined): number | null {
  if (!from || !to) return null;
  return new Date(to).getTime() - new Date(from).getTime();
}

/** A span at minute precision for ages and deadlines: "under 1 min", "42 min", "3 h 5 min", "2 d 4 h". */
export function formatSpan(ms: number): string {
  const minutes = Math.floor(Math.abs(ms) / 60_000);
  if (minutes < 1) return 'under 1 min';
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

/** "5 min ago", "in 2 h 3 min", relative to `now`. */
export function formatRelative(iso: string | null | undefined, now: number): string {
  if (!iso) return '—';
  const delta = new Date(iso).getTime() - now;
  const span = formatSpan(delta);
  return delta >= 0 ? `in ${span}` : `${span} ago`;
}

/** US dollars with enough precision for per-step model costs (fractions of a cent). */
export function formatUsd(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  if (value !== 0 && Math.abs(value) < 0.01) return `$${value.toFixed(5)}`;
  return `$${value.toFixed(2)}`;
}

export function formatNumber(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : value.toLocaleString();
}

/** A confidence in [0, 1] as a percentage. */
export function formatConfidence(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : `${Math.round(value * 100)}%`;
}

/** "customer_impacting" → "customer impacting". */
export function humanise(value: string): string {
  return value.replace(/[_-]+/g, ' ');
}

/** Pretty JSON for a <pre>; undefined renders as "—". */
export function prettyJson(value: unknown): string {
  return value === undefined ? '—' : JSON.stringify(value, null, 2);
}

/** The first 8 characters of a UUID: enough to tell runs apart in a list. */
export function shortId(id: string): string {
  return id.slice(0, 8);
}
