import { type ReactNode } from 'react';

export interface EmptyStateProps {
  /** What is empty, said plainly ("No workflows yet"). */
  readonly title: string;
  /** What the person can do about it. */
  readonly description?: ReactNode;
  /** An optional next step, e.g. a Button or a link. */
  readonly action?: ReactNode;
}

/** Shown instead of an empty list or table, so "nothing here" is never a blank screen. */
export function EmptyState({ title, description, action }: EmptyStateProps) {
  return (
    <section className="gh-empty-state" aria-label={title}>
      <p className="gh-empty-state__title">{title}</p>
      {description ? <div className="gh-empty-state__description">{description}</div> : null}
      {action ? <div className="gh-empty-state__action">{action}</div> : null}
    </section>
  );
}
