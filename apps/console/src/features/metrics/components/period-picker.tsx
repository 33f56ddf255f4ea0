import { useId } from 'react';
import { BUCKETS, PERIOD_LABELS, PERIODS, type MetricsParams } from '../lib/period.js';

export interface PeriodPickerProps {
  readonly params: MetricsParams;
  /** The bucket in effect (chosen or defaulted). */
  readonly bucket: string;
  readonly workflows: ReadonlyArray<{ readonly key: string; readonly name: string }>;
  readonly onChange: (changes: Partial<Record<keyof MetricsParams, string | null>>) => void;
}

const BUCKET_LABELS: Record<string, string> = { hour: 'Hour', day: 'Day', week: 'Week' };

/** Workflow, period (preset or custom, UTC) and bucket; every change lands in the URL. */
export function PeriodPicker({ params, bucket, workflows, onChange }: PeriodPickerProps) {
  const ids = { workflow: useId(), period: useId(), from: useId(), to: useId(), bucket: useId() };
  return (
    <form className="mx-picker" aria-label="Metrics filters" onSubmit={(e) => e.preventDefault()}>
      <div className="mx-picker__field">
        <label htmlFor={ids.workflow}>Workflow</label>
        <select id={ids.workflow} value={params.workflow ?? ''} onChange={(e) => onChange({ workflow: e.target.value || null })}>
          <option value="">All workflows</option>
          {workflows.map((w) => (
            <option key={w.key} value={w.key}>
              {w.name}
            </option>
          ))}
        </select>
      </div>
      <div className="mx-picker__field">
        <label htmlFor={ids.period}>Period</label>
        <select
          id={ids.period}
          value={params.period}
          // A new period gets its own sensible bucket unless the person picks one again.
          onChange={(e) => onChange({ period: e.target.value, bucket: null })}
        >
          {PERIODS.map((p) => (
            <option key={p} value={p}>
              {PERIOD_LABELS[p]}
            </option>
          ))}
        </select>
      </div>
      {params.period === 'custom' ? (
        <>
          <div className="mx-picker__field">
            <label htmlFor={ids.from}>From (UTC)</label>
            <input id={ids.from} type="datetime-local" value={params.from ?? ''} onChange={(e) => onChange({ from: e.target.value, bucket: null })} />
          </div>
          <div className="mx-picker__field">
            <label htmlFor={ids.to}>To (UTC)</label>
            <input id={ids.to} type="datetime-local" value={params.to ?? ''} onChange={(e) => onChange({ to: e.target.value, bucket: null })} />
          </div>
        </>
      ) : null}
      <div className="mx-picker__field">
        <label htmlFor={ids.bucket}>Bucket</label>
        <select id={ids.bucket} value={bucket} onChange={(e) => onChange({ bucket: e.target.value })}>
          {BUCKETS.map((b) => (
            <option key={b} value={b}>
              {BUCKET_LABELS[b]}
            </option>
          ))}
        </select>
      </div>
    </form>
  );
}
