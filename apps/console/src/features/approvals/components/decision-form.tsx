import { Button } from '@gatehouse/ui';
import { type FormEvent, useId, useRef, useState } from 'react';
import type { ApprovalDecision } from '../../../gql/graphql.js';
import { prettyJson } from '../../runs/lib/format.js';
import { diffRows, parseEdit } from '../lib/json-diff.js';
import { ProposalDiff } from './proposal-diff.js';

export interface DecisionInput {
  readonly decision: ApprovalDecision;
  readonly reason: string | null;
  readonly editedOutput?: unknown;
}

export interface DecisionFormProps {
  readonly proposed: unknown;
  /** Why this reviewer may not decide (e.g. they started the run); disables every control. */
  readonly blockedReason: string | null;
  readonly pending: boolean;
  readonly onDecide: (input: DecisionInput) => void;
}

const CHOICES: { value: ApprovalDecision; label: string; submit: string }[] = [
  { value: 'approve', label: 'Approve as proposed', submit: 'Approve' },
  { value: 'edit_and_approve', label: 'Edit, then approve', submit: 'Approve with edits' },
  { value: 'reject', label: 'Reject', submit: 'Reject' },
];

/**
 * Approve, reject or edit-and-approve, with a reason (required to reject or edit, as the API
 * requires). An edit is checked as JSON and shown as a diff against the draft before it is sent.
 */
export function DecisionForm({ proposed, blockedReason, pending, onDecide }: DecisionFormProps) {
  const [decision, setDecision] = useState<ApprovalDecision>('approve');
  const [reason, setReason] = useState('');
  const [editText, setEditText] = useState(() => prettyJson(proposed));
  const [submitted, setSubmitted] = useState(false);
  const ids = { title: useId(), blocked: useId(), reason: useId(), reasonHint: useId(), edit: useId(), editError: useId() };
  const editField = useRef<HTMLTextAreaElement>(null);
  const reasonField = useRef<HTMLTextAreaElement>(null);

  const blocked = blockedReason !== null;
  const reasonRequired = decision !== 'approve';
  const reasonMissing = reasonRequired && reason.trim() === '';
  const edit = decision === 'edit_and_approve' ? parseEdit(editText) : null;
  // The API refuses an "edit" identical to the draft; say so before sending it.
  const unchanged = edit?.ok === true && diffRows(proposed, edit.value).length === 0;
  const choice = CHOICES.find((c) => c.value === decision)!;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (blocked || pending) return;
    setSubmitted(true);
    if ((edit && !edit.ok) || unchanged) {
      editField.current?.focus();
      return;
    }
    if (reasonMissing) {
      reasonField.current?.focus();
      return;
    }
    onDecide({
      decision,
      reason: reason.trim() || null,
      ...(edit?.ok ? { editedOutput: edit.value } : {}),
    });
  };

  return (
    <form className="approval-decision" aria-labelledby={ids.title} onSubmit={submit} noValidate>
      <h3 id={ids.title}>Your decision</h3>
      {blocked ? (
        <p id={ids.blocked} className="approval-decision__blocked">
          <strong>You cannot decide this approval.</strong> {blockedReason}
        </p>
      ) : null}
      <fieldset className="approval-decision__choices" disabled={blocked} aria-describedby={blocked ? ids.blocked : undefined}>
        <legend>Decision</legend>
        {CHOICES.map((c) => (
          <label key={c.value} className="approval-decision__choice">
            <input
              type="radio"
              name="decision"
              value={c.value}
              checked={decision === c.value}
              disabled={blocked}
              onChange={() => setDecision(c.value)}
            />
            {c.label}
          </label>
        ))}
      </fieldset>

      {edit ? (
        <div className="approval-decision__edit">
          <label htmlFor={ids.edit}>Edited proposal (JSON)</label>
          <textarea
            id={ids.edit}
            ref={editField}
            className="approval-decision__json"
            rows={Math.min(18, Math.max(6, editText.split('\n').length + 1))}
            spellCheck={false}
            value={editText}
            disabled={blocked}
            onChange={(e) => setEditText(e.target.value)}
            aria-invalid={!edit.ok}
            aria-describedby={!edit.ok ? ids.editError : undefined}
          />
          {!edit.ok ? (
            <p id={ids.editError} className="approval-decision__error">
              {edit.message}
            </p>
          ) : (
            <ProposalDiff draft={proposed} edited={edit.value} caption="Your edit against the AI draft" />
          )}
          {submitted && unchanged ? (
            <p className="approval-decision__error">Change the proposal, or choose “Approve as proposed”.</p>
          ) : null}
        </div>
      ) : null}

      <label htmlFor={ids.reason}>Reason {reasonRequired ? '(required)' : '(optional)'}</label>
      <textarea
        id={ids.reason}
        ref={reasonField}
        rows={2}
        value={reason}
        disabled={blocked}
        onChange={(e) => setReason(e.target.value)}
        aria-invalid={submitted && reasonMissing}
        aria-describedby={submitted && reasonMissing ? ids.reasonHint : undefined}
      />
      {submitted && reasonMissing ? (
        <p id={ids.reasonHint} className="approval-decision__error">
          A reason is required to {decision === 'reject' ? 'reject' : 'edit and approve'}.
        </p>
      ) : null}

      <div className="approval-decision__buttons">
        <Button
          type="submit"
          variant={decision === 'reject' ? 'danger' : 'primary'}
          disabledReason={blocked ? blockedReason : pending ? 'Sending your decision…' : null}
        >
          {choice.submit}
        </Button>
      </div>
    </form>
  );
}
