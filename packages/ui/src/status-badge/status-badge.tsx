export const RUN_STATUSES = [
  'queued',
  'running',
  'waiting_approval',
  'in_exception',
  'completed',
  'failed',
  'cancelled',
  'handed_off',
] as const;

export type RunStatus = (typeof RUN_STATUSES)[number];

type Tone = 'neutral' | 'info' | 'attention' | 'warning' | 'success' | 'danger' | 'muted';

interface StatusPresentation {
  readonly label: string;
  readonly tone: Tone;
  /** A shape that tells statuses apart without relying on colour; hidden from screen readers. */
  readonly symbol: string;
}

const PRESENTATION: Record<RunStatus, StatusPresentation> = {
  queued: { label: 'Queued', tone: 'neutral', symbol: '○' },
  running: { label: 'Running', tone: 'info', symbol: '◔' },
  waiting_approval: { label: 'Waiting for approval', tone: 'attention', symbol: '⏸' },
  in_exception: { label: 'In exception queue', tone: 'warning', symbol: '!' },
  completed: { label: 'Completed', tone: 'success', symbol: '✓' },
  failed: { label: 'Failed', tone: 'danger', symbol: '✕' },
  cancelled: { label: 'Cancelled', tone: 'muted', symbol: '⊘' },
  handed_off: { label: 'Handed off', tone: 'info', symbol: '→' },
};

function isRunStatus(value: string): value is RunStatus {
  return Object.prototype.hasOwnProperty.call(PRESENTATION, value);
}

/** "waiting_approval" / "WAITING_APPROVAL" → "Waiting approval", for statuses we do not know yet. */
function humanise(value: string): string {
  const words = value.replace(/[_-]+/g, ' ').trim().toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The person-readable label of a run status (the same text the badge shows). */
export function runStatusLabel(status: string): string {
  const key = status.toLowerCase();
  return isRunStatus(key) ? PRESENTATION[key].label : humanise(status);
}

export interface StatusBadgeProps {
  /**
   * A run status. GraphQL enums may arrive upper-cased; unknown values (a newer API) still
   * render, with a neutral tone and a humanised label.
   */
  readonly status: RunStatus | (string & {});
  readonly className?: string;
}

/** A run's status as text plus tone: the label always carries the meaning, never colour alone. */
export function StatusBadge({ status, className }: StatusBadgeProps) {
  const key = status.toLowerCase();
  const presentation: StatusPresentation = isRunStatus(key)
    ? PRESENTATION[key]
    : { label: humanise(status), tone: 'neutral', symbol: '•' };
  const classes = ['gh-status-badge', `gh-status-badge--${presentation.tone}`, className]
    .filter(Boolean)
    .join(' ');
  return (
    <span className={classes} data-status={key}>
      <span className="gh-status-badge__symbol" aria-hidden="true">
        {presentation.symbol}
      </span>
      {presentation.label}
    </span>
  );
}
