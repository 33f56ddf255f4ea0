import { ScreenHeader } from '@gatehouse/ui';

/** Placeholder until this screen is built. */
export function ApprovalsPage() {
  return <ScreenHeader title="Approvals" />;
}
