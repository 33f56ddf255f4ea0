import { Button, ErrorMessage } from '@gatehouse/ui';
import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import type { GraphQLRequestError } from '../../../lib/graphql-client.js';

export interface ReasonFormProps {
  /** What the form does, e.g. "Cancel this run". */
  readonly title: string;
  readonly confirmLabel: string;
  readonly variant: 'primary' | 'danger';
  readonly pending: boolean;
  readonly error: GraphQLRequestError | null;
  readonly onSubmit: (reason: string) => void;
  readonly onClose: () => void;
}

/** A consequential action with its required reason; focus moves into it when it opens. */
export function ReasonForm({ title, confirmLabel, variant, pending, error, onSubmit, onClose }: ReasonFormProps) {
  const [reason, setReason] = useState('');
  const [touched, setTouched] = useState(false);
  const fieldId = useId();
  const hintId = useId();
  const field = useRef<HTMLTextAreaElement>(null);
  useEffect(() => field.current?.focus(), []);

  const missing = reason.trim() === '';
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    if (!missing) onSubmit(reason.trim());
  };

  return (
    <form className="reason-form" aria-label={title} onSubmit={submit}>
      <p className="reason-form__title">{title}</p>
      <label htmlFor={fieldId}>Reason (required)</label>
      <textarea
        id={fieldId}
        ref={field}
        rows={2}
        value={reason}
        onChange={(e) => setReason(e.target.value)}
        aria-invalid={touched && missing}
        aria-describedby={touched && missing ? hintId : undefined}
      />
      {touched && missing ? (
        <p id={hintId} className="reason-form__hint">
          Say why; the reason goes into the audit trail.
        </p>
      ) : null}
      {error ? <ErrorMessage title={`${confirmLabel} failed`} error={error} /> : null}
      <div className="reason-form__buttons">
        <Button type="submit" variant={variant} disabledReason={pending ? 'Working…' : null}>
          {confirmLabel}
        </Button>
        <Button onClick={onClose}>Back</Button>
      </div>
    </form>
  );
}
