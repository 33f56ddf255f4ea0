import { Button, ErrorMessage } from '@gatehouse/ui';
import { type FormEvent, useId, useState } from 'react';
import type { GraphQLRequestError } from '../../../lib/graphql-client.js';
import { useGraphQLMutation } from '../../../lib/graphql-hooks.js';
import { PROPOSE_VERSION_MUTATION } from '../api/workflow-mutations.js';
import { ErrorDetails } from './error-details.js';

export interface ProposeVersionFormProps {
  readonly workflowKey: string;
  /** Pre-filled: the newest definition, to edit rather than retype. */
  readonly startingDefinition: Record<string, unknown> | null;
  /** Pre-filled: the newest version's runbook (Markdown). */
  readonly startingRunbook?: string | null;
}

function parseObject(text: string): { value: Record<string, unknown> } | { error: string } {
  try {
    const value: unknown = JSON.parse(text);
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return { error: 'The definition must be a JSON object.' };
    return { value: value as Record<string, unknown> };
  } catch (error) {
    return { error: `Not valid JSON: ${(error as Error).message}` };
  }
}

/** Propose the next version: the definition as JSON, checked locally for syntax and by the API for meaning. */
export function ProposeVersionForm({ workflowKey, startingDefinition, startingRunbook = null }: ProposeVersionFormProps) {
  const definitionId = useId();
  const noteId = useId();
  const runbookId = useId();
  const runbookHintId = useId();
  const parseErrorId = useId();
  const [text, setText] = useState(() => JSON.stringify(startingDefinition ?? { inputSchema: { type: 'object' }, steps: [] }, null, 2));
  const [note, setNote] = useState('');
  const [runbook, setRunbook] = useState(startingRunbook ?? '');
  const [parseError, setParseError] = useState<string | null>(null);
  const [proposed, setProposed] = useState<number | null>(null);
  const propose = useGraphQLMutation(PROPOSE_VERSION_MUTATION, {
    onSuccess: (data) => setProposed(data.proposeWorkflowVersion.version),
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const parsed = parseObject(text);
    if ('error' in parsed) {
      setParseError(parsed.error);
      return;
    }
    setParseError(null);
    setProposed(null);
    propose.mutate({ key: workflowKey, definition: parsed.value, changeNote: note.trim() || null, runbook: runbook.trim() ? runbook : null });
  };

  return (
    <form className="wf-propose" onSubmit={submit} noValidate>
      <div className="wf-field">
        <label htmlFor={definitionId}>Definition (JSON)</label>
        <textarea
          id={definitionId}
          className="wf-code-input"
          rows={18}
          spellCheck={false}
          value={text}
          aria-invalid={parseError ? true : undefined}
          aria-describedby={parseError ? parseErrorId : undefined}
          onChange={(e) => setText(e.target.value)}
        />
        {parseError ? (
          <p id={parseErrorId} className="wf-field__error" role="alert">
            {parseError}
          </p>
        ) : null}
      </div>
      <div className="wf-field">
        <label htmlFor={runbookId}>Runbook (Markdown)</label>
        <p id={runbookHintId} className="wf-field__hint">
          For reviewers who have never seen this workflow: <code>## Overview</code>, <code>## Contacts</code> and <code>## Exception: &lt;reason&gt;</code> for every
          exception reason the definition can raise (required to run in execute); optionally <code>## Approvals</code> and <code>## Approval: &lt;stepId&gt;</code>.
        </p>
        <textarea
          id={runbookId}
          className="wf-code-input"
          rows={12}
          value={runbook}
          aria-describedby={runbookHintId}
          onChange={(e) => setRunbook(e.target.value)}
        />
      </div>
      <div className="wf-field">
        <label htmlFor={noteId}>Change note</label>
        <input id={noteId} type="text" value={note} onChange={(e) => setNote(e.target.value)} />
      </div>
      {propose.isError ? (
        <div>
          <ErrorMessage title="The API refused the proposal" error={propose.error} />
          <ErrorDetails error={propose.error as GraphQLRequestError} title="Problems in the definition" />
        </div>
      ) : null}
      {proposed !== null ? (
        <p role="status" className="wf-ok">
          v{proposed} proposed; the change approver decides it next.
        </p>
      ) : null}
      <Button type="submit" variant="primary" disabledReason={propose.isPending ? 'Proposing…' : null}>
        Propose version
      </Button>
    </form>
  );
}
