import { ScreenHeader } from '@gatehouse/ui';

/** Placeholder until this screen is built. */
export function RunExplorerPage() {
  return <ScreenHeader title="Runs" />;
}
