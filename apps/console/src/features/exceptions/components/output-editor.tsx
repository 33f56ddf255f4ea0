import { useId } from 'react';
import type { OutputCheck } from '../lib/output-validation.js';

export interface OutputEditorProps {
  readonly stepId: string;
  readonly value: string;
  readonly onChange: (value: string) => void;
  readonly check: OutputCheck;
  /** The step's output schema, shown for reference; null when the step states none. */
  readonly schema: unknown;
}

/**
 * The corrected output as JSON text. Problems (parse errors, schema violations) are listed
 * under it as they arise and tied to the field with aria-describedby; the submit button stays
 * disabled while any remain.
 */
export function OutputEditor({ stepId, value, onChange, check, schema }: OutputEditorProps) {
  const id = useId();
  const problemsId = `${id}-problems`;
  return (
    <div className="exq-editor">
      <label htmlFor={`${id}-output`}>Corrected output of step “{stepId}” (JSON)</label>
      <textarea
        id={`${id}-output`}
        className="exq-editor__text"
        spellCheck={false}
        rows={8}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={check.problems.length > 0}
        aria-describedby={problemsId}
        autoFocus
      />
      <div id={problemsId} aria-live="polite">
        {check.problems.length > 0 ? (
          <ul className="exq-editor__problems" aria-label="Problems in the output">
            {check.problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        ) : (
          <p className="exq-editor__ok">{schema ? 'Matches the step’s output schema.' : 'Valid JSON (the step states no output schema).'}</p>
        )}
      </div>
      {schema ? (
        <details className="exq-editor__schema">
          <summary>Output schema</summary>
          <pre>{JSON.stringify(schema, null, 2)}</pre>
        </details>
      ) : null}
    </div>
  );
}
