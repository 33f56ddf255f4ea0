import { useId, useState } from 'react';
import type { ConsoleRunQuery } from '../../../gql/graphql.js';
import { formatConfidence, formatDuration, formatNumber, formatUsd } from '../lib/format.js';
import { JsonBlock } from './json-block.js';

export type StepAttempt = ConsoleRunQuery['run']['steps'][number];

/** "2 values redacted: email ×1, card ×1; path $.iban" — what privacy redaction replaced before storage. */
export function redactionSummary(r: NonNullable<StepAttempt['redactions']>): string | null {
  if (r.total === 0) return null;
  const parts = r.detectors.filter((d) => d.count > 0).map((d) => `${d.detector.replace(/_/g, ' ')} ×${d.count}`);
  if (r.paths.length > 0) parts.push(`${r.paths.length === 1 ? 'path' : 'paths'} ${r.paths.join(', ')}`);
  return `${r.total} ${r.total === 1 ? 'value' : 'values'} redacted before storage${parts.length > 0 ? `: ${parts.join('; ')}` : ''}`;
}

const STATUS_SYMBOL: Record<string, string> = { succeeded: '✓', failed: '✕', gated: '⏸', running: '◔' };

/** One step attempt in the timeline: the figures at a glance, its JSON on demand. */
export function StepAttemptItem({ step }: { readonly step: StepAttempt }) {
  const [open, setOpen] = useState(false);
  const detailsId = useId();
  const tokens =
    step.tokensIn === null && step.tokensOut === null
      ? '—'
      : `${formatNumber(step.tokensIn)} in / ${formatNumber(step.tokensOut)} out`;
  return (
    <div className="timeline-step" data-step-id={step.stepId}>
      <div className="timeline-step__head">
        <h3 className="timeline-step__title">
          {step.stepId}
          <span className="runs-muted"> · {step.stepKind ?? 'step'} · attempt {step.attempt}</span>
        </h3>
        <span className={`timeline-step__status timeline-step__status--${step.status}`}>
          <span aria-hidden="true">{STATUS_SYMBOL[step.status] ?? '•'} </span>
          {step.status}
        </span>
        <button
          type="button"
          className="timeline-toggle"
          aria-expanded={open}
          aria-controls={detailsId}
          onClick={() => setOpen((o) => !o)}
        >
          {open ? 'Hide' : 'Show'} input and output<span className="gh-visually-hidden"> of {step.stepId}</span>
        </button>
      </div>
      <dl className="timeline-figures">
        <div>
          <dt>Provider</dt>
          <dd>{step.provider ?? '—'}</dd>
        </div>
        <div>
          <dt>Model</dt>
          <dd>
            {step.model ?? '—'}
            {step.promptVersion ? <span className="runs-muted"> (prompt {step.promptVersion})</span> : null}
          </dd>
        </div>
        <div>
          <dt>Tokens</dt>
          <dd>{tokens}</dd>
        </div>
        <div>
          <dt>Cost</dt>
          <dd>{formatUsd(step.costUsd)}</dd>
        </div>
        <div>
          <dt>Latency</dt>
          <dd>{formatDuration(step.latencyMs)}</dd>
        </div>
        <div>
          <dt>Confidence</dt>
          <dd>{formatConfidence(step.confidence)}</dd>
        </div>
      </dl>
      {step.redactions && redactionSummary(step.redactions) ? (
        <p className="runs-muted timeline-step__redactions">{redactionSummary(step.redactions)}</p>
      ) : null}
      <div id={detailsId} hidden={!open} className="timeline-step__details">
        {open && step.payloadPurgedAt ? (
          <p className="runs-muted">
            Input and output were purged by the retention policy on{' '}
            <time dateTime={step.payloadPurgedAt}>{new Date(step.payloadPurgedAt).toLocaleDateString('en-GB')}</time>; the
            figures above are kept.
          </p>
        ) : null}
        {open && !step.payloadPurgedAt ? (
          <>
            <JsonBlock label="Input" value={step.input} />
            <JsonBlock label="Output" value={step.output} />
            {step.validation !== null ? <JsonBlock label="Validation" value={step.validation} /> : null}
            {step.error !== null ? <JsonBlock label="Error" value={step.error} /> : null}
            {step.effectKey ? (
              <p className="runs-muted">
                Idempotency key sent with the action: <code>{step.effectKey}</code>
              </p>
            ) : null}
          </>
        ) : null}
      </div>
    </div>
  );
}
