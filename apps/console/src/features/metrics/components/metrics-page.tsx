import { ScreenHeader } from '@gatehouse/ui';

/** Placeholder until this screen is built. */
export function MetricsPage() {
  return <ScreenHeader title="Metrics" />;
}
