import { ErrorMessage } from '@gatehouse/ui';
import { usePromotionReadiness } from '../hooks/use-workflow.js';
import { stageLabel, type Stage } from '../lib/stage.js';
import { PromotionSignOff } from './promotion-sign-off.js';
import { ReadinessAssessment } from './readiness-assessment.js';

const pct = (n: number) => `${Math.round(n * 1000) / 10}%`;

const SIGN_OFF_STATE: Record<string, string> = {
  valid: 'Signed off',
  missing: 'Not signed off',
  expired: 'Sign-off expired',
  consumed: 'Sign-off already used',
  other_stage: 'Signed off for another stage',
};

/**
 * The evidence a promotion is judged on, measured now, and every check it still fails; below it
 * the two pieces people supply: the change approver's sign-off and the readiness assessment.
 * Recording either invalidates every query, so this panel re-measures and the list shrinks.
 */
export function PromotionReadiness({ workflowKey, toStage }: { readonly workflowKey: string; readonly toStage: Stage }) {
  const query = usePromotionReadiness(workflowKey, toStage);
  if (query.isPending) return <p role="status">Measuring promotion readiness…</p>;
  if (query.isError) return <ErrorMessage title="Could not load promotion readiness" error={query.error} onRetry={() => void query.refetch()} />;
  const p = query.data.workflow.promotionReadiness;
  if (!p) return null;
  const a = p.agreement;
  return (
    <section className="wf-promotion" aria-labelledby="wf-promotion-title">
      <h3 id="wf-promotion-title">
        Promotion to {stageLabel(p.to)}: {p.allowed ? '✓ allowed' : 'not yet allowed'}
      </h3>
      <dl className="wf-dl wf-dl--grid">
        <dt>Shadow agreement</dt>
        <dd data-testid="promotion-agreement">
          {a.rate === null ? 'No judged outcomes yet' : `${pct(a.rate)} (${a.agreed} of ${a.sampleSize} agreed)`} — n = {a.sampleSize.toLocaleString()}, needs ≥{' '}
          {a.minSampleSize.toLocaleString()} at ≥ {pct(a.threshold)} {a.meetsThreshold ? '✓' : '✕'}
        </dd>
        <dt>Change approver sign-off</dt>
        <dd>
          {SIGN_OFF_STATE[p.signOffState] ?? p.signOffState}
          {p.signOff ? ` (${p.signOff.signedOffBy?.name ?? 'unknown'}: “${p.signOff.note}”, until ${new Date(p.signOff.expiresAt).toLocaleDateString()})` : ''}
        </dd>
        <dt>Readiness assessment</dt>
        <dd>
          {p.readinessRequired ? 'Required — ' : 'Required only before Execute — '}
          {p.readiness ? `${p.readiness.ready ? 'ready' : 'not ready'} (${p.readiness.metCount}/6 met)` : 'none recorded'}
        </dd>
      </dl>
      {p.missing.length > 0 ? (
        <>
          <p className="wf-promotion__missing-title">Still missing</p>
          <ul className="wf-missing-list" aria-label="Still missing for the promotion">
            {p.missing.map((m) => (
              <li key={m.check}>
                <span aria-hidden="true">✕ </span>
                {m.message}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <div className="wf-evidence-grid">
        <PromotionSignOff
          workflowKey={workflowKey}
          toStage={toStage}
          changeApprover={query.data.workflow.changeApprover}
          signOffState={p.signOffState}
          signOff={p.signOff}
        />
        <ReadinessAssessment workflowKey={workflowKey} assessment={p.readiness} required={p.readinessRequired} />
      </div>
    </section>
  );
}
