import { ErrorMessage } from '@gatehouse/ui';
import { formatDateTime } from '../lib/format.js';
import { interleaveTimeline } from '../lib/timeline.js';
import { RUN_AUDIT_LIMIT, useRunAudit } from '../hooks/use-run-audit.js';
import { type AuditEventRow, AuditEventItem } from './audit-event-item.js';
import { type StepAttempt, StepAttemptItem } from './step-attempt-item.js';

export interface RunTimelineProps {
  readonly runId: string;
  readonly steps: readonly StepAttempt[];
}

/** Step attempts and the run's audit events (decisions, state changes) in one list by time. */
export function RunTimeline({ runId, steps }: RunTimelineProps) {
  const audit = useRunAudit(runId);
  const events: readonly AuditEventRow[] = audit.query.data?.auditTrail.edges.map((e) => e.node) ?? [];
  const entries = interleaveTimeline(steps, events);

  return (
    <section className="console-section run-section" aria-labelledby="run-timeline-title">
      <h2 id="run-timeline-title">Timeline</h2>
      {!audit.allowed ? (
        <p className="runs-muted">Your role cannot read the audit trail, so only the steps are shown.</p>
      ) : audit.query.isPending ? (
        <p role="status">Loading audit events…</p>
      ) : audit.query.isError ? (
        <ErrorMessage title="Could not load the audit events" error={audit.query.error} onRetry={() => void audit.query.refetch()} />
      ) : audit.query.data.auditTrail.pageInfo.hasNextPage ? (
        <p className="runs-muted">Showing the first {RUN_AUDIT_LIMIT} audit events.</p>
      ) : null}
      {entries.length === 0 ? (
        <p>No step has started yet.</p>
      ) : (
        <ol className="run-timeline">
          {entries.map((entry) => (
            <li
              key={`${entry.kind}-${entry.item.id}`}
              className={`run-timeline__entry run-timeline__entry--${entry.kind}`}
            >
              <div className="run-timeline__when">
                <span className="run-timeline__kind">{entry.kind === 'step' ? 'Step' : 'Audit'}</span>
                <time dateTime={entry.at}>{formatDateTime(entry.at)}</time>
              </div>
              {entry.kind === 'step' ? <StepAttemptItem step={entry.item} /> : <AuditEventItem event={entry.item} />}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
