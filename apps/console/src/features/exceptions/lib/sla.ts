/**
 * "Due soon" as the API defines it (see the ExceptionSlaState description in the schema): due
 * within the next 60 minutes. Recomputed here every second so the countdown and its state tick
 * between refreshes instead of jumping when the next page arrives.
 */
export const DUE_SOON_MINUTES = 60;

export type SlaTone = 'overdue' | 'due_soon' | 'on_track' | 'no_sla' | 'stopped';

export interface SlaView {
  readonly tone: SlaTone;
  /** What a person reads: "2h 14m left", "Overdue by 5m 03s", "No SLA". */
  readonly text: string;
}

/** "1d 2h", "3h 05m", "12m 07s", "42s". */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const days = Math.floor(total / 86_400);
  const hours = Math.floor((total % 86_400) / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  if (days > 0) return `${days}d ${hours}h`;
  if (hours > 0) return `${hours}h ${pad(minutes)}m`;
  if (minutes > 0) return `${minutes}m ${pad(seconds)}s`;
  return `${seconds}s`;
}

export function slaView(dueAt: string | null | undefined, resolved: boolean, now: number): SlaView {
  if (resolved) return { tone: 'stopped', text: '—' };
  if (!dueAt) return { tone: 'no_sla', text: 'No SLA' };
  const left = Date.parse(dueAt) - now;
  if (left < 0) return { tone: 'overdue', text: `Overdue by ${formatDuration(-left)}` };
  return { tone: left < DUE_SOON_MINUTES * 60_000 ? 'due_soon' : 'on_track', text: `${formatDuration(left)} left` };
}

/** How long ago `iso` was: "5m 03s", "2h 10m". */
export function formatAge(iso: string, now: number): string {
  return formatDuration(now - Date.parse(iso));
}
