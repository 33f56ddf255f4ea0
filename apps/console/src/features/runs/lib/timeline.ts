/** One entry of a run's timeline: a step attempt or an audit event, placed by its time. */
export type TimelineEntry<TStep, TEvent> =
  | { readonly kind: 'step'; readonly at: string; readonly item: TStep }
  | { readonly kind: 'audit'; readonly at: string; readonly item: TEvent };

/**
 * Step attempts (by startedAt) and audit events (by occurredAt) in one list, oldest first.
 * At the same instant a step comes before the audit events it caused; otherwise the input order
 * (attempt order, audit sequence) is kept.
 */
export function interleaveTimeline<TStep extends { startedAt: string }, TEvent extends { occurredAt: string }>(
  steps: readonly TStep[],
  events: readonly TEvent[],
): TimelineEntry<TStep, TEvent>[] {
  const entries: { entry: TimelineEntry<TStep, TEvent>; order: number }[] = [
    ...steps.map((item, order) => ({ entry: { kind: 'step' as const, at: item.startedAt, item }, order })),
    ...events.map((item, i) => ({ entry: { kind: 'audit' as const, at: item.occurredAt, item }, order: steps.length + i })),
  ];
  entries.sort((a, b) => {
    const byTime = new Date(a.entry.at).getTime() - new Date(b.entry.at).getTime();
    return byTime !== 0 ? byTime : a.order - b.order;
  });
  return entries.map(({ entry }) => entry);
}
