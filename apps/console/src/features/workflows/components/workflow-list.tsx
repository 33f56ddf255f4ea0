import { EmptyState, ErrorMessage } from '@gatehouse/ui';
import { useWorkflows } from '../hooks/use-workflows.js';

const STAGE_LABELS: Record<string, string> = {
  shadow: 'Shadow',
  draft: 'Draft',
  execute: 'Execute',
};

function stageLabel(stage: string): string {
  return STAGE_LABELS[stage.toLowerCase()] ?? stage;
}

/** Every workflow the signed-in principal can see, with its rollout stage and kill switch. */
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
    <table className="console-table">
      <caption className="console-table__caption">
        {list.length === 1 ? '1 workflow' : `${list.length} workflows`}
      </caption>
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Key</th>
          <th scope="col">Rollout stage</th>
          <th scope="col">State</th>
        </tr>
      </thead>
      <tbody>
        {list.map((workflow) => (
          <tr key={workflow.key}>
            <th scope="row">{workflow.name}</th>
            <td>
              <code>{workflow.key}</code>
            </td>
            <td>{stageLabel(workflow.rolloutStage)}</td>
            <td>{workflow.paused ? 'Paused' : 'Active'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
