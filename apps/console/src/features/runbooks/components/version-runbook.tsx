import { EmptyState } from '@gatehouse/ui';
import '../runbooks.css';
import { RunbookMarkdown } from './runbook-markdown.js';

export interface VersionRunbookProps {
  readonly versionLabel: string;
  readonly runbook: string | null;
  readonly check: { readonly complete: boolean; readonly missing: readonly { readonly heading: string; readonly message: string }[] };
}

/** A version's runbook on the workflow page: what it still lacks for execute, then the runbook itself. */
export function VersionRunbook({ versionLabel, runbook, check }: VersionRunbookProps) {
  return (
    <div className="runbook-version">
      {check.complete ? (
        <p role="status">The runbook of {versionLabel} has every required section: it may run in execute.</p>
      ) : (
        <>
          <p role="status">
            The runbook of {versionLabel} lacks {check.missing.length} required section{check.missing.length === 1 ? '' : 's'}; it cannot be published to or promoted to execute
            until they are added:
          </p>
          <ul className="runbook-missing" aria-label="Missing runbook sections">
            {check.missing.map((m) => (
              <li key={m.heading}>
                <code>## {m.heading}</code> — {m.message}
              </li>
            ))}
          </ul>
        </>
      )}
      {runbook === null ? (
        <EmptyState title="No runbook" description="Propose a version with a runbook: an Overview, Contacts and a section per exception reason the definition can raise." />
      ) : (
        <details className="runbook-panel">
          <summary>Read the runbook of {versionLabel}</summary>
          <RunbookMarkdown markdown={runbook} />
        </details>
      )}
    </div>
  );
}
