import { ScreenHeader } from '@gatehouse/ui';

/** Placeholder until this screen is built. */
export function RunPage() {
  return <ScreenHeader title="Run" />;
}
