import { ScreenHeader } from '@gatehouse/ui';
import '../workflows.css';
import { HealthLegend } from './health-badge.js';
import { WorkflowList } from './workflow-list.js';

export function WorkflowsPage() {
  return (
    <>
      <ScreenHeader title="Workflows" subtitle="Owner, rollout stage, health and readiness of every workflow" />
      <WorkflowList />
      <HealthLegend />
    </>
  );
}
