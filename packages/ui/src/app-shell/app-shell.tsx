import { type ReactNode } from 'react';
import { MAIN_CONTENT_ID } from '../page/page.js';

export interface AppShellProps {
  /** The product name at the start of the bar (not a heading: each screen has its own <h1>). */
  readonly brand: ReactNode;
  /** The primary navigation, rendered inside <nav aria-label="Main">. */
  readonly nav: ReactNode;
  /** Controls at the end of the bar (identity, sign-in). */
  readonly actions?: ReactNode;
  readonly children: ReactNode;
}

/** The console's frame: skip link, a top bar with brand, navigation and identity, the main landmark. */
export function AppShell({ brand, nav, actions, children }: AppShellProps) {
  return (
    <div className="gh-shell">
      <a className="gh-skip-link" href={`#${MAIN_CONTENT_ID}`}>
        Skip to content
      </a>
      <header className="gh-shell__bar">
        <div className="gh-shell__brand">{brand}</div>
        <nav className="gh-shell__nav" aria-label="Main">
          {nav}
        </nav>
        {actions ? <div className="gh-shell__actions">{actions}</div> : null}
      </header>
      <main id={MAIN_CONTENT_ID} className="gh-shell__main" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}
