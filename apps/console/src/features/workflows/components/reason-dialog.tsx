import { Button, type ButtonVariant, ErrorMessage } from '@gatehouse/ui';
import { type FormEvent, type KeyboardEvent, type ReactNode, useEffect, useId, useRef, useState } from 'react';
import type { GraphQLRequestError } from '../../../lib/graphql-client.js';

export interface ReasonDialogProps {
  readonly title: string;
  /** What confirming does, said plainly. */
  readonly description?: ReactNode;
  readonly confirmLabel: string;
  readonly variant?: ButtonVariant;
  /** required: cannot confirm without one; optional: a note may be given; none: no field. */
  readonly reason?: 'required' | 'optional' | 'none';
  readonly reasonLabel?: string;
  /** Said when a required reason is left empty. */
  readonly requiredMessage?: string;
  /** Runs the action; the dialog stays open on failure and shows the API's message. */
  readonly onConfirm: (reason: string) => Promise<unknown>;
  readonly onClose: () => void;
  /** Extra detail for a refusal (e.g. what is missing), shown under the error message. */
  readonly renderErrorDetails?: (error: GraphQLRequestError) => ReactNode;
}

const FOCUSABLE = 'button, [href], input, select, textarea, [tabindex]:not([tabindex="-1"])';

/**
 * A modal confirmation that asks why. Focus moves into it, Tab stays inside it, Escape or
 * Cancel closes it, and focus returns to whatever opened it: the kill switch and rollout
 * changes are audited decisions, so the reason is part of the action, not an afterthought.
 */
export function ReasonDialog({
  title,
  description,
  confirmLabel,
  variant = 'primary',
  reason: reasonMode = 'required',
  reasonLabel = 'Reason',
  requiredMessage = 'Give a reason: it is recorded in the audit trail.',
  onConfirm,
  onClose,
  renderErrorDetails,
}: ReasonDialogProps) {
  const titleId = useId();
  const descriptionId = useId();
  const fieldId = useId();
  const dialogRef = useRef<HTMLDivElement>(null);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<GraphQLRequestError | null>(null);
  const [touched, setTouched] = useState(false);

  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const first = dialogRef.current?.querySelector<HTMLElement>('textarea, button');
    first?.focus();
    return () => opener?.focus();
  }, []);

  const missingReason = reasonMode === 'required' && reason.trim() === '';

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    if (missingReason || busy) return;
    setBusy(true);
    setError(null);
    try {
      await onConfirm(reason.trim());
      onClose();
    } catch (caught) {
      setError(caught as GraphQLRequestError);
      setBusy(false);
    }
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key === 'Escape') {
      event.stopPropagation();
      onClose();
      return;
    }
    if (event.key !== 'Tab' || !dialogRef.current) return;
    const focusable = Array.from(dialogRef.current.querySelectorAll<HTMLElement>(FOCUSABLE));
    const first = focusable[0];
    const last = focusable.at(-1);
    if (!first || !last) return;
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  };

  return (
    <div className="wf-dialog__backdrop">
      <div
        ref={dialogRef}
        className="wf-dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        aria-describedby={description ? descriptionId : undefined}
        onKeyDown={onKeyDown}
      >
        <h2 id={titleId} className="wf-dialog__title">
          {title}
        </h2>
        {description ? (
          <div id={descriptionId} className="wf-dialog__description">
            {description}
          </div>
        ) : null}
        <form onSubmit={(e) => void submit(e)} noValidate>
          {reasonMode === 'none' ? null : (
            <div className="wf-field">
              <label htmlFor={fieldId}>
                {reasonLabel}
                {reasonMode === 'required' ? ' (required)' : ' (optional)'}
              </label>
              <textarea
                id={fieldId}
                rows={3}
                value={reason}
                required={reasonMode === 'required'}
                aria-invalid={touched && missingReason ? true : undefined}
                onChange={(e) => setReason(e.target.value)}
              />
              {touched && missingReason ? (
                <p className="wf-field__error" role="alert">
                  {requiredMessage}
                </p>
              ) : null}
            </div>
          )}
          {error ? (
            <div className="wf-dialog__error">
              <ErrorMessage title="The API refused" error={error} />
              {renderErrorDetails?.(error)}
            </div>
          ) : null}
          <div className="wf-dialog__actions">
            <Button type="submit" variant={variant} disabledReason={busy ? 'Working…' : null}>
              {confirmLabel}
            </Button>
            <Button onClick={onClose}>Cancel</Button>
          </div>
        </form>
      </div>
    </div>
  );
}
