import { useId, useState } from 'react';
import type { ConsoleRunAuditQuery } from '../../../gql/graphql.js';
import { JsonBlock } from './json-block.js';

export type AuditEventRow = ConsoleRunAuditQuery['auditTrail']['edges'][number]['node'];

/** The few data fields worth reading without opening the event. */
function summary(data: Record<string, unknown>): string | null {
  const parts: string[] = [];
  for (const key of ['decision', 'reason', 'resolution', 'note', 'stepId', 'from', 'to']) {
    const value = data[key];
    if (typeof value === 'string' || typeof value === 'number') parts.push(`${key}: ${value}`);
  }
  return parts.length ? parts.join(' · ') : null;
}

/** One audit event in the timeline: who did what, its data on demand. */
export function AuditEventItem({ event }: { readonly event: AuditEventRow }) {
  const [open, setOpen] = useState(false);
  const detailsId = useId();
  const text = summary(event.data);
  return (
    <div className="timeline-audit" data-audit-action={event.action}>
      <div className="timeline-step__head">
        <p className="timeline-audit__title">
          <code>{event.action}</code>{' '}
          <span className="runs-muted">
            by {event.actor?.name ?? 'the system'} ({event.actorRole})
          </span>
        </p>
        <button
          type="button"
          className="timeline-toggle"
          aria-expanded={open}
          aria-controls={detailsId}
          onClick={() => setOpen((o) => !o)}
        >
          {open ? 'Hide' : 'Show'} data<span className="gh-visually-hidden"> of audit event {event.seq}</span>
        </button>
      </div>
      {text ? <p className="timeline-audit__summary">{text}</p> : null}
      <div id={detailsId} hidden={!open}>
        {open ? <JsonBlock label={`Audit event #${event.seq} on ${event.subjectType} ${event.subjectId}`} value={event.data} /> : null}
      </div>
    </div>
  );
}
