import { Button, ErrorMessage } from '@gatehouse/ui';
import { useId, useMemo, useState } from 'react';
import type { ExceptionResolution } from '../../../gql/graphql.js';
import { useGraphQLMutation } from '../../../lib/graphql-hooks.js';
import { RESOLVE_EXCEPTION_MUTATION } from '../api/exception-mutations.js';
import { checkOutput } from '../lib/output-validation.js';
import { OutputEditor } from './output-editor.js';

export interface ResolveFormProps {
  readonly exceptionId: string;
  readonly stepId: string;
  readonly mode: ExceptionResolution;
  /** Why the reviewer may not resolve right now (not holding the claim), or null. */
  readonly blockedReason: string | null;
  readonly outputSchema: unknown;
  /** The editor's starting text: the failing step's output as it stands. */
  readonly initialOutput: unknown;
  readonly onDone: (message: string) => void;
  readonly onClose: () => void;
}

const TITLES: Record<ExceptionResolution, string> = {
  retry: 'Retry the step',
  override_output: 'Edit the output and continue',
  hand_off: 'Hand off to a manual path',
  cancel: 'Cancel the run',
};

const SUBMIT: Record<ExceptionResolution, string> = {
  retry: 'Retry step',
  override_output: 'Continue with this output',
  hand_off: 'Hand off',
  cancel: 'Cancel run',
};

/** One resolution with its required note; edit-and-continue adds the JSON editor. */
export function ResolveForm({ exceptionId, stepId, mode, blockedReason, outputSchema, initialOutput, onDone, onClose }: ResolveFormProps) {
  const id = useId();
  const [note, setNote] = useState('');
  const [handOffTo, setHandOffTo] = useState('');
  const [outputText, setOutputText] = useState(() => JSON.stringify(initialOutput ?? {}, null, 2));
  const check = useMemo(() => checkOutput(outputText, outputSchema), [outputText, outputSchema]);
  const resolve = useGraphQLMutation(RESOLVE_EXCEPTION_MUTATION, {
    onSuccess: (data) => onDone(`Resolved (${mode.replace('_', ' ')}). The run is now ${data.resolveException.run.status.replace('_', ' ')}.`),
  });

  const disabledReason =
    blockedReason ??
    (resolve.isPending
      ? 'Submitting…'
      : mode === 'override_output' && check.problems.length > 0
        ? `Fix the ${check.problems.length === 1 ? 'problem' : `${check.problems.length} problems`} in the output first.`
        : note.trim() === ''
          ? 'Write a note first: say what you checked and why.'
          : null);

  const submit = () => {
    if (disabledReason) return;
    resolve.mutate({
      id: exceptionId,
      resolution: mode,
      note: note.trim(),
      ...(mode === 'override_output' ? { output: check.value } : {}),
      ...(mode === 'hand_off' && handOffTo.trim() ? { handOffTo: handOffTo.trim() } : {}),
    });
  };

  return (
    <form
      className="exq-form"
      aria-labelledby={`${id}-title`}
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
      onKeyDown={(e) => {
        if (e.key === 'Escape') onClose();
      }}
    >
      <h3 id={`${id}-title`} className="exq-form__title">
        {TITLES[mode]}
      </h3>
      {mode === 'override_output' ? (
        <OutputEditor stepId={stepId} value={outputText} onChange={setOutputText} check={check} schema={outputSchema} />
      ) : null}
      {mode === 'hand_off' ? (
        <div className="exq-form__field">
          <label htmlFor={`${id}-to`}>Manual path</label>
          <input
            id={`${id}-to`}
            value={handOffTo}
            onChange={(e) => setHandOffTo(e.target.value)}
            placeholder="e.g. tier2"
            aria-describedby={`${id}-to-hint`}
            autoFocus
          />
          <p id={`${id}-to-hint`} className="exq-hint">
            Leave empty to use the path the workflow names for this reason.
          </p>
        </div>
      ) : null}
      <div className="exq-form__field">
        <label htmlFor={`${id}-note`}>Note (required)</label>
        <textarea
          id={`${id}-note`}
          rows={2}
          value={note}
          onChange={(e) => setNote(e.target.value)}
          required
          aria-required="true"
          autoFocus={mode === 'retry' || mode === 'cancel'}
        />
      </div>
      {resolve.error ? <ErrorMessage title="Could not resolve" error={resolve.error} /> : null}
      <div className="exq-form__actions">
        <Button type="submit" variant={mode === 'cancel' ? 'danger' : 'primary'} disabledReason={disabledReason}>
          {SUBMIT[mode]}
        </Button>
        <Button variant="secondary" onClick={onClose}>
          Back
        </Button>
      </div>
    </form>
  );
}
