import { Button, EmptyState, ErrorMessage, StatusBadge } from '@gatehouse/ui';
import { type RefObject } from 'react';
import { Link } from 'react-router';
import type { ConsoleExceptionQuery, ExceptionResolution } from '../../../gql/graphql.js';
import type { GraphQLRequestError } from '../../../lib/graphql-client.js';
import { RunbookSectionPanel } from '../../runbooks/components/runbook-section-panel.js';
import { reasonLabel } from '../lib/queue-filters.js';
import { ExceptionStatusBadge } from './exception-status-badge.js';
import { itemLabel } from './exception-table.js';
import { ResolveForm } from './resolve-form.js';
import { SlaCountdown } from './sla-countdown.js';
import { StepTrace, editorStartingOutput, failingAttempt } from './step-trace.js';

export type ExceptionDetailItem = ConsoleExceptionQuery['exception'];

export interface ExceptionPermissions {
  readonly claim: boolean;
  readonly release: boolean;
  readonly resolve: boolean;
  readonly isAdmin: boolean;
}

export interface ExceptionDetailProps {
  readonly item: ExceptionDetailItem;
  readonly myId: string | null;
  readonly can: ExceptionPermissions;
  readonly now: number;
  readonly mode: ExceptionResolution | null;
  readonly onModeChange: (mode: ExceptionResolution | null) => void;
  readonly onClaim: () => void;
  readonly claimPending: boolean;
  /** The last claim's error for this item (CONFLICT when someone else holds it). */
  readonly claimError: GraphQLRequestError | null;
  readonly onRelease: () => void;
  readonly releasePending: boolean;
  readonly releaseError: GraphQLRequestError | null;
  /** A one-line outcome or hint ("Resolved …", "Claim this item first"). */
  readonly notice: string | null;
  readonly onNotice: (message: string) => void;
  readonly headingRef: RefObject<HTMLHeadingElement | null>;
}

const ACTIONS: readonly { mode: ExceptionResolution; label: string; key?: string }[] = [
  { mode: 'retry', label: 'Retry step', key: 'r' },
  { mode: 'override_output', label: 'Edit output & continue', key: 'e' },
  { mode: 'hand_off', label: 'Hand off…' },
  { mode: 'cancel', label: 'Cancel run…' },
];

/** Why the signed-in reviewer may not resolve this item now, or null when they may. */
export function resolveBlockedReason(item: Pick<ExceptionDetailItem, 'status' | 'assignee'>, myId: string | null): string | null {
  if (item.status === 'resolved') return 'This item is already resolved.';
  if (item.status === 'open' || !item.assignee) return 'Claim this item first (press c): only the reviewer holding it may resolve it.';
  if (item.assignee.id !== myId) return `${item.assignee.name} holds this item; only they may resolve it (or release it to the queue).`;
  return null;
}

function Json({ value, label }: { readonly value: unknown; readonly label: string }) {
  if (value === null || value === undefined) return <p className="exq-muted">No {label.toLowerCase()} recorded.</p>;
  return (
    <pre className="exq-json" aria-label={label} tabIndex={0}>
      {JSON.stringify(value, null, 2)}
    </pre>
  );
}

/** The open item: who holds it, the run's trace, the failing step, and (for reviewers) the actions. */
export function ExceptionDetail(props: ExceptionDetailProps) {
  const { item, myId, can, now, mode } = props;
  const failing = failingAttempt(item.run.steps, item.stepId);
  const holder = item.assignee;
  const mine = holder !== null && holder !== undefined && holder.id === myId;
  const blocked = resolveBlockedReason(item, myId);
  const conflict = props.claimError?.code === 'CONFLICT';

  return (
    <article className="exq-detail" aria-labelledby="exq-detail-title">
      <header className="exq-detail__header">
        <h2 id="exq-detail-title" ref={props.headingRef} tabIndex={-1}>
          {itemLabel(item)} · {reasonLabel(item.reason)} at “{item.stepId}”
        </h2>
        <p className="exq-detail__meta">
          <ExceptionStatusBadge status={item.status} />
          <span className="exq-detail__holder" data-testid="exception-holder">
            {holder ? (mine ? 'Claimed by you' : `Claimed by ${holder.name}`) : item.status === 'resolved' ? 'Not claimed' : 'Unclaimed'}
          </span>
          <span>
            SLA: <SlaCountdown dueAt={item.dueAt} resolved={item.status === 'resolved'} now={now} />
          </span>
          <span>
            Run: <StatusBadge status={item.run.status} /> <Link to={`/runs/${item.run.id}`}>open run</Link>
          </span>
        </p>
        <p className="exq-detail__meta exq-muted">
          {item.workflow.name} v{item.run.version} · opened {new Date(item.createdAt).toLocaleString()}
        </p>
      </header>

      {can.claim || can.release ? (
        <div className="exq-detail__claim">
          {item.status !== 'resolved' && !mine && can.claim ? (
            <Button variant="primary" onClick={props.onClaim} disabledReason={props.claimPending ? 'Claiming…' : null} aria-keyshortcuts="c">
              Claim <kbd>c</kbd>
            </Button>
          ) : null}
          {item.status === 'claimed' && (mine || can.isAdmin) && can.release ? (
            <Button variant="secondary" onClick={props.onRelease} disabledReason={props.releasePending ? 'Releasing…' : null}>
              Release to the queue
            </Button>
          ) : null}
        </div>
      ) : null}

      {conflict ? (
        <ErrorMessage title={holder && !mine ? `Claimed by ${holder.name}` : 'Someone else holds this item'} error={props.claimError!} />
      ) : props.claimError ? (
        <ErrorMessage title="Could not claim" error={props.claimError} />
      ) : null}
      {props.releaseError ? <ErrorMessage title="Could not release" error={props.releaseError} /> : null}
      {props.notice ? (
        <p className="exq-notice" role="status">
          {props.notice}
        </p>
      ) : null}

      <RunbookSectionPanel section={item.runbookSection} subject={reasonLabel(item.reason).toLowerCase()} />

      {item.status === 'resolved' ? (
        <section className="exq-detail__section" aria-labelledby="exq-resolution">
          <h3 id="exq-resolution">Resolution</h3>
          <p>
            <strong>{item.resolution ? reasonLabel(item.resolution) : 'Resolved'}</strong>
            {item.handOffTo ? ` to ${item.handOffTo}` : ''}
            {item.resolvedBy ? ` by ${item.resolvedBy.name}` : ''}
            {item.resolvedAt ? ` at ${new Date(item.resolvedAt).toLocaleString()}` : ''}
          </p>
          {item.resolutionNote ? <p>Note: {item.resolutionNote}</p> : null}
          {item.resolutionOutput !== null && item.resolutionOutput !== undefined ? <Json value={item.resolutionOutput} label="Output the reviewer set" /> : null}
        </section>
      ) : can.resolve ? (
        <section className="exq-detail__section" aria-labelledby="exq-actions">
          <h3 id="exq-actions">Resolve</h3>
          {blocked ? <p className="exq-hint">{blocked}</p> : null}
          <div className="exq-detail__actions">
            {ACTIONS.map((a) => (
              <Button
                key={a.mode}
                variant={a.mode === 'cancel' ? 'danger' : 'secondary'}
                disabledReason={blocked}
                aria-pressed={mode === a.mode}
                aria-keyshortcuts={a.key}
                onClick={() => props.onModeChange(mode === a.mode ? null : a.mode)}
              >
                {a.label}
                {a.key ? <kbd>{a.key}</kbd> : null}
              </Button>
            ))}
          </div>
          {mode ? (
            <ResolveForm
              key={`${item.id}-${mode}`}
              exceptionId={item.id}
              stepId={item.stepId}
              mode={mode}
              blockedReason={blocked}
              outputSchema={item.stepOutputSchema}
              initialOutput={editorStartingOutput(item.run.steps, failing)}
              onDone={(message) => {
                props.onModeChange(null);
                props.onNotice(message);
              }}
              onClose={() => props.onModeChange(null)}
            />
          ) : null}
        </section>
      ) : null}

      <section className="exq-detail__section" aria-labelledby="exq-failing">
        <h3 id="exq-failing">Failing step “{item.stepId}”{failing ? ` (attempt ${failing.attempt})` : ''}</h3>
        {Object.keys((item.details as Record<string, unknown> | null) ?? {}).length > 0 ? (
          <p className="exq-detail__details">
            {Object.entries(item.details as Record<string, unknown>)
              .map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
              .join(' · ')}
          </p>
        ) : null}
        {failing ? (
          <div className="exq-io">
            <div>
              <h4>Input</h4>
              <Json value={failing.input} label="Input" />
            </div>
            <div>
              <h4>Output</h4>
              <Json value={failing.output} label="Output" />
            </div>
            <div>
              <h4>Error</h4>
              <Json value={failing.error} label="Error" />
            </div>
          </div>
        ) : (
          <EmptyState title="No attempt recorded" description="The step left no attempt in the trace." />
        )}
      </section>

      <section className="exq-detail__section" aria-labelledby="exq-trace">
        <h3 id="exq-trace">Run trace</h3>
        <StepTrace steps={item.run.steps} failingId={failing?.id ?? null} />
      </section>
    </article>
  );
}
