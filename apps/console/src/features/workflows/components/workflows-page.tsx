import { ScreenHeader } from '@gatehouse/ui';

/** Placeholder until this screen is built. */
export function WorkflowsPage() {
  return <ScreenHeader title="Workflows" />;
}
