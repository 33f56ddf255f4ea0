import { type ReactNode } from 'react';

export interface ScreenHeaderProps {
  /** The screen's one <h1>. */
  readonly title: ReactNode;
  readonly subtitle?: ReactNode;
  /** Screen-level controls (filters, refresh, primary action). */
  readonly actions?: ReactNode;
}

/** The title row of one console screen. */
export function ScreenHeader({ title, subtitle, actions }: ScreenHeaderProps) {
  return (
    <div className="gh-screen-header">
      <div>
        <h1 className="gh-screen-header__title">{title}</h1>
        {subtitle ? <p className="gh-screen-header__subtitle">{subtitle}</p> : null}
      </div>
      {actions ? <div className="gh-screen-header__actions">{actions}</div> : null}
    </div>
  );
}
