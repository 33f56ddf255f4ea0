import { ScreenHeader } from '@gatehouse/ui';

/** Placeholder until this screen is built. */
export function WorkflowPage() {
  return <ScreenHeader title="Workflow" />;
}
