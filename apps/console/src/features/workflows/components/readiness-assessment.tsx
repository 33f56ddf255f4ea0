import { Button } from '@gatehouse/ui';
import { useRef, useState } from 'react';
import type { ConsoleWorkflowPromotionQuery } from '../../../gql/graphql.js';
import { useCan } from '../../session/hooks/use-can.js';
import { criterionLabel } from '../lib/readiness-criteria.js';
import { ReadinessForm } from './readiness-form.js';

type Assessment = NonNullable<NonNullable<ConsoleWorkflowPromotionQuery['workflow']['promotionReadiness']>['readiness']>;

export interface ReadinessAssessmentProps {
  readonly workflowKey: string;
  readonly assessment: Assessment | null;
  /** True for the promotion to execute, which the gate refuses without a passing assessment. */
  readonly required: boolean;
}

const dateTime = (iso: string) => new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/**
 * The latest readiness assessment, read-only (score, each criterion with its evidence, who and
 * when), and for owners and admins the form that records a new one (history is kept; the latest counts).
 */
export function ReadinessAssessment({ workflowKey, assessment, required }: ReadinessAssessmentProps) {
  const canAssess = useCan('assessReadiness');
  const [editing, setEditing] = useState(false);
  const [recorded, setRecorded] = useState<string | null>(null);
  const actionsRef = useRef<HTMLDivElement>(null);
  const close = () => {
    setEditing(false);
    // The form goes away; focus returns to the control that opened it.
    setTimeout(() => actionsRef.current?.querySelector('button')?.focus(), 0);
  };

  return (
    <div className="wf-evidence" data-testid="readiness-assessment">
      <h4 className="wf-evidence__title">Readiness assessment</h4>
      <p>
        {required
          ? 'Required for this promotion: all six criteria must be met in the latest assessment before the workflow may go to Execute.'
          : 'Required before promotion to Execute (all six criteria met); not needed for this promotion.'}
      </p>
      {assessment ? (
        <>
          <p data-testid="readiness-summary">
            <strong>
              {assessment.ready ? '✓ Ready' : 'Not ready'}: {assessment.metCount} of 6 met ({Math.round(assessment.score * 100)}%)
            </strong>{' '}
            — assessed by {assessment.assessedBy?.name ?? 'an unknown principal'} on {dateTime(assessment.assessedAt)}
          </p>
          <table className="wf-mini-table">
            <caption className="gh-visually-hidden">Latest readiness assessment, criterion by criterion</caption>
            <thead>
              <tr>
                <th scope="col">Criterion</th>
                <th scope="col">Met</th>
                <th scope="col">Evidence</th>
              </tr>
            </thead>
            <tbody>
              {assessment.criteria.map((c) => (
                <tr key={c.criterion} data-criterion={c.criterion}>
                  <th scope="row">{criterionLabel(c.criterion)}</th>
                  <td className={`wf-criterion-met ${c.met ? 'wf-version-status--published' : 'wf-missing'}`}>{c.met ? '✓ Met' : '✕ Not met'}</td>
                  <td>{c.evidence || <span className="wf-muted">—</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : (
        <p data-testid="readiness-summary">No readiness assessment recorded yet.</p>
      )}
      {recorded ? (
        <p role="status" className="wf-ok">
          {recorded}
        </p>
      ) : null}
      {canAssess && !editing ? (
        <div className="wf-actions" ref={actionsRef}>
          <Button
            onClick={() => {
              setRecorded(null);
              setEditing(true);
            }}
          >
            {assessment ? 'Record a new readiness assessment' : 'Record readiness assessment'}
          </Button>
        </div>
      ) : null}
      {canAssess && editing ? (
        <ReadinessForm
          workflowKey={workflowKey}
          previous={assessment?.criteria ?? null}
          onCancel={close}
          onDone={(r) => {
            setRecorded(`Assessment recorded: ${r.metCount} of 6 met${r.ready ? ' — ready.' : '.'}`);
            close();
          }}
        />
      ) : null}
    </div>
  );
}
