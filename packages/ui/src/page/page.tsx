import { type ReactNode } from 'react';

export interface PageProps {
  /** The page's one <h1>. */
  readonly title: string;
  /** Short context under the title. */
  readonly subtitle?: ReactNode;
  /** Controls at the end of the header (sign-in, primary actions). */
  readonly actions?: ReactNode;
  readonly children: ReactNode;
}

export const MAIN_CONTENT_ID = 'gh-main';

/** Page layout: skip link, a header with the title and actions, and the main landmark. */
export function Page({ title, subtitle, actions, children }: PageProps) {
  return (
    <div className="gh-page">
      <a className="gh-skip-link" href={`#${MAIN_CONTENT_ID}`}>
        Skip to content
      </a>
      <header className="gh-page__header">
        <div className="gh-page__heading">
          <h1 className="gh-page__title">{title}</h1>
          {subtitle ? <p className="gh-page__subtitle">{subtitle}</p> : null}
        </div>
        {actions ? <div className="gh-page__actions">{actions}</div> : null}
      </header>
      <main id={MAIN_CONTENT_ID} className="gh-page__main" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}
