import { EmptyState, ErrorMessage, ScreenHeader } from '@gatehouse/ui';
import { Link, useParams } from 'react-router';
import { VersionRunbook } from '../../runbooks/components/version-runbook.js';
import { useCan } from '../../session/hooks/use-can.js';
import '../workflows.css';
import { useWorkflow } from '../hooks/use-workflow.js';
import { stageLabel, type Stage } from '../lib/stage.js';
import { ChallengerPanel } from './challenger-panel.js';
import { ClarityPoints } from './clarity-points.js';
import { HealthBadge } from './health-badge.js';
import { KillSwitch } from './kill-switch.js';
import { ProposeVersionForm } from './propose-version-form.js';
import { RolloutPanel } from './rollout-panel.js';
import { VersionDiff } from './version-diff.js';
import { VersionTable } from './version-table.js';

/** One workflow: its five clarity points, versions and their diff, rollout and the kill switch. */
export function WorkflowPage() {
  const { workflowKey = '' } = useParams();
  const query = useWorkflow(workflowKey);
  const canPropose = useCan('proposeWorkflowVersion');

  if (query.isPending) {
    return (
      <>
        <ScreenHeader title="Workflow" />
        <p role="status">Loading workflow…</p>
      </>
    );
  }
  if (query.isError) {
    return (
      <>
        <ScreenHeader title="Workflow" subtitle={<Link to="/workflows">All workflows</Link>} />
        <ErrorMessage title={`Could not load workflow “${workflowKey}”`} error={query.error} onRetry={() => void query.refetch()} />
      </>
    );
  }
  const w = query.data.workflow;
  const shown = w.versions.find((v) => v.status === 'published') ?? w.versions[0] ?? null;

  return (
    <>
      <ScreenHeader
        title={w.name}
        subtitle={
          <>
            <Link to="/workflows">Workflows</Link> / <code>{w.key}</code> · {stageLabel(w.rolloutStage)} ·{' '}
            {w.publishedVersion ? `v${w.publishedVersion.version} published` : 'nothing published'} · <HealthBadge health={w.health} />
          </>
        }
      />
      {w.description ? <p className="wf-description">{w.description}</p> : null}
      {w.health.signals.length > 0 ? (
        <ul className="wf-signals" aria-label="Health signals">
          {w.health.signals.map((s) => (
            <li key={s.kind}>{s.message}</li>
          ))}
        </ul>
      ) : null}

      <section className="console-section wf-section" aria-labelledby="wf-kill-switch">
        <h2 id="wf-kill-switch">Kill switch</h2>
        <KillSwitch workflowKey={w.key} workflowName={w.name} paused={w.paused} pausedReason={w.pausedReason} />
      </section>

      <section className="console-section wf-section" aria-labelledby="wf-clarity">
        <h2 id="wf-clarity">Clarity points</h2>
        <ClarityPoints
          outcome={w.outcome}
          owners={{ operationalOwner: w.operationalOwner, changeApprover: w.changeApprover, failureReviewer: w.failureReviewer }}
          definition={shown?.definition ?? null}
          versionLabel={shown ? `v${shown.version} (${shown.status})` : null}
          missing={shown?.publishReadiness.missing ?? []}
        />
      </section>

      {shown ? (
        <section className="console-section wf-section" aria-labelledby="wf-runbook">
          <h2 id="wf-runbook">Runbook</h2>
          <VersionRunbook versionLabel={`v${shown.version} (${shown.status})`} runbook={shown.runbook ?? null} check={shown.runbookCheck} />
        </section>
      ) : null}

      <section className="console-section wf-section" aria-labelledby="wf-rollout">
        <h2 id="wf-rollout">Rollout stage</h2>
        <RolloutPanel workflowKey={w.key} stage={w.rolloutStage as Stage} hasPublishedVersion={w.publishedVersion !== null} />
      </section>

      <section className="console-section wf-section" aria-labelledby="wf-challenger">
        <h2 id="wf-challenger">Champion and challenger</h2>
        <ChallengerPanel workflowKey={w.key} />
      </section>

      <section className="console-section wf-section" aria-labelledby="wf-versions">
        <h2 id="wf-versions">Versions</h2>
        {w.versions.length === 0 ? (
          <EmptyState title="No versions yet" description="Propose the first version with its definition below." />
        ) : (
          <VersionTable workflowKey={w.key} versions={w.versions} changeApprover={w.changeApprover} />
        )}
      </section>

      <section className="console-section wf-section" aria-labelledby="wf-diff">
        <h2 id="wf-diff">Compare versions</h2>
        <VersionDiff key={w.versions.length} versions={w.versions} />
      </section>

      {canPropose ? (
        <section className="console-section wf-section" aria-labelledby="wf-propose">
          <h2 id="wf-propose">Propose a new version</h2>
          <details className="wf-propose-disclosure">
            <summary>Edit the definition</summary>
            <ProposeVersionForm workflowKey={w.key} startingDefinition={w.versions[0]?.definition ?? null} startingRunbook={w.versions[0]?.runbook ?? null} />
          </details>
        </section>
      ) : null}
    </>
  );
}
