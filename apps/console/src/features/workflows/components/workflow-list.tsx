import { EmptyState, ErrorMessage } from '@gatehouse/ui';
import { Link } from 'react-router';
import { useWorkflows } from '../hooks/use-workflows.js';
import { HealthBadge } from './health-badge.js';
import { stageLabel } from '../lib/stage.js';

/** Every workflow: owner, rollout stage, kill switch, health and readiness at a glance. */
export function WorkflowList() {
  const workflows = useWorkflows();

  if (workflows.isPending) {
    return <p role="status">Loading workflows…</p>;
  }
  if (workflows.isError) {
    return (
      <ErrorMessage
        title="Could not load workflows"
        error={workflows.error}
        onRetry={() => {
          void workflows.refetch();
        }}
      />
    );
  }
  const list = workflows.data.workflows;
  if (list.length === 0) {
    return (
      <EmptyState
        title="No workflows yet"
        description="Owners create workflows over GraphQL with createWorkflow; they will appear here."
      />
    );
  }
  return (
    <table className="console-table wf-table">
      <caption className="console-table__caption">
        {list.length === 1 ? '1 workflow' : `${list.length} workflows`}
      </caption>
      <thead>
        <tr>
          <th scope="col">Workflow</th>
          <th scope="col">Operational owner</th>
          <th scope="col">Rollout stage</th>
          <th scope="col">Paused</th>
          <th scope="col">Health</th>
          <th scope="col">Readiness</th>
        </tr>
      </thead>
      <tbody>
        {list.map((workflow) => (
          <tr key={workflow.key}>
            <th scope="row">
              <Link to={`/workflows/${encodeURIComponent(workflow.key)}`}>{workflow.name}</Link>
              <div className="wf-muted">
                <code>{workflow.key}</code>
              </div>
            </th>
            <td>{workflow.operationalOwner?.name ?? <span className="wf-missing">Not named</span>}</td>
            <td>{stageLabel(workflow.rolloutStage)}</td>
            <td>{workflow.paused ? <span title={workflow.pausedReason ?? undefined}>Paused</span> : 'No'}</td>
            <td>
              <HealthBadge health={workflow.health} />
            </td>
            <td>
              {workflow.readiness === null ? (
                <span className="wf-muted">Not assessed</span>
              ) : workflow.readiness.ready ? (
                <span>✓ Ready ({workflow.readiness.metCount}/6)</span>
              ) : (
                <span>Not ready ({workflow.readiness.metCount}/6)</span>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
