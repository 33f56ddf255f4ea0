import { slaView } from '../lib/sla.js';

export interface SlaCountdownProps {
  readonly dueAt: string | null | undefined;
  readonly resolved: boolean;
  /** The ticking clock (useNow), shared by every row so they tick together. */
  readonly now: number;
}

/** Time left to the SLA due time; overdue items say so in words and a marker, not by colour alone. */
export function SlaCountdown({ dueAt, resolved, now }: SlaCountdownProps) {
  const view = slaView(dueAt, resolved, now);
  return (
    <span className={`exq-sla exq-sla--${view.tone}`} data-sla={view.tone}>
      {view.tone === 'overdue' ? (
        <span className="exq-sla__marker" aria-hidden="true">
          ⚠
        </span>
      ) : null}
      {view.text}
      {view.tone === 'due_soon' ? <span className="gh-visually-hidden"> (due soon)</span> : null}
    </span>
  );
}
