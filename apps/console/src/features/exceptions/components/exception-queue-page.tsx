import { ScreenHeader } from '@gatehouse/ui';

/** Placeholder until this screen is built. */
export function ExceptionQueuePage() {
  return <ScreenHeader title="Exception queue" />;
}
