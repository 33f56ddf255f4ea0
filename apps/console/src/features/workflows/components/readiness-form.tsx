import { Button, ErrorMessage } from '@gatehouse/ui';
import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import type { ReadinessInput } from '../../../gql/graphql.js';
import type { GraphQLRequestError } from '../../../lib/graphql-client.js';
import { useGraphQLMutation } from '../../../lib/graphql-hooks.js';
import { ASSESS_READINESS_MUTATION } from '../api/promotion-mutations.js';
import { READINESS_CRITERIA, type ReadinessCriterionKey } from '../lib/readiness-criteria.js';

interface Answer {
  readonly met: boolean | null;
  readonly evidence: string;
}
type Answers = Record<ReadinessCriterionKey, Answer>;

export interface ReadinessFormProps {
  readonly workflowKey: string;
  /** The latest assessment's answers, to start from (re-assessing usually changes one or two). */
  readonly previous: ReadonlyArray<{ readonly criterion: string; readonly met: boolean; readonly evidence: string }> | null;
  readonly onDone: (result: { metCount: number; ready: boolean }) => void;
  readonly onCancel: () => void;
}

function startingAnswers(previous: ReadinessFormProps['previous']): Answers {
  return Object.fromEntries(
    READINESS_CRITERIA.map(({ key }) => {
      const p = previous?.find((a) => a.criterion === key);
      return [key, { met: p?.met ?? null, evidence: p?.evidence ?? '' }];
    }),
  ) as Answers;
}

/** What is wrong with one answer, as the API would say it; null when it may be sent. */
function problem(answer: Answer): string | null {
  if (answer.met === null) return 'Choose met or not met.';
  if (answer.met && answer.evidence.trim() === '') return 'Marked met: give the evidence for it.';
  return null;
}

/**
 * The six readiness criteria, each met or not met with its evidence (required when met, so a
 * tick is never unexplained). Nothing is pre-ticked on a first assessment: each answer is a
 * decision. The API validates again and its refusal is shown with its code.
 */
export function ReadinessForm({ workflowKey, previous, onDone, onCancel }: ReadinessFormProps) {
  const id = useId();
  const formRef = useRef<HTMLFormElement>(null);
  const [answers, setAnswers] = useState<Answers>(() => startingAnswers(previous));
  const [touched, setTouched] = useState(false);
  const [error, setError] = useState<GraphQLRequestError | null>(null);
  const assess = useGraphQLMutation(ASSESS_READINESS_MUTATION);

  useEffect(() => {
    formRef.current?.querySelector<HTMLElement>('input')?.focus();
  }, []);

  const set = (key: ReadinessCriterionKey, change: Partial<Answer>) => setAnswers((a) => ({ ...a, [key]: { ...a[key], ...change } }));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    const firstBad = READINESS_CRITERIA.find(({ key }) => problem(answers[key]) !== null);
    if (firstBad) {
      const a = answers[firstBad.key];
      document.getElementById(a.met === null ? `${id}-${firstBad.key}-met` : `${id}-${firstBad.key}-evidence`)?.focus();
      return;
    }
    setError(null);
    const input = Object.fromEntries(
      READINESS_CRITERIA.map(({ key }) => {
        const evidence = answers[key].evidence.trim();
        return [key, { met: answers[key].met === true, evidence: evidence === '' ? null : evidence }];
      }),
    ) as unknown as ReadinessInput;
    try {
      const result = await assess.mutateAsync({ key: workflowKey, input });
      onDone(result.assessReadiness);
    } catch (caught) {
      setError(caught as GraphQLRequestError);
    }
  };

  return (
    <form ref={formRef} className="wf-readiness-form" aria-label="Readiness assessment" noValidate onSubmit={(e) => void submit(e)}>
      {READINESS_CRITERIA.map(({ key, label, question }) => {
        const answer = answers[key];
        const bad = touched ? problem(answer) : null;
        const errorId = `${id}-${key}-error`;
        return (
          <fieldset key={key} className="wf-criterion" data-criterion={key} aria-describedby={bad ? errorId : undefined}>
            <legend>
              <strong>{label}</strong> <span className="wf-muted">— {question}</span>
            </legend>
            <div className="wf-criterion__choice" role="radiogroup" aria-label={`${label}: met?`} aria-invalid={bad && answer.met === null ? true : undefined}>
              <label>
                <input
                  id={`${id}-${key}-met`}
                  type="radio"
                  name={`${id}-${key}`}
                  checked={answer.met === true}
                  onChange={() => set(key, { met: true })}
                />{' '}
                Met
              </label>
              <label>
                <input type="radio" name={`${id}-${key}`} checked={answer.met === false} onChange={() => set(key, { met: false })} /> Not met
              </label>
            </div>
            <div className="wf-field">
              <label htmlFor={`${id}-${key}-evidence`}>
                {label} evidence{answer.met === true ? ' (required)' : ' (optional)'}
              </label>
              <textarea
                id={`${id}-${key}-evidence`}
                rows={2}
                value={answer.evidence}
                aria-invalid={bad && answer.met === true ? true : undefined}
                aria-describedby={bad ? errorId : undefined}
                onChange={(e) => set(key, { evidence: e.target.value })}
              />
            </div>
            {bad ? (
              <p id={errorId} className="wf-field__error" role="alert">
                {bad}
              </p>
            ) : null}
          </fieldset>
        );
      })}
      {error ? <ErrorMessage title="The API refused the assessment" error={error} /> : null}
      <div className="wf-actions">
        <Button type="submit" variant="primary" disabledReason={assess.isPending ? 'Recording…' : null}>
          Record assessment
        </Button>
        <Button onClick={onCancel}>Cancel</Button>
      </div>
    </form>
  );
}
