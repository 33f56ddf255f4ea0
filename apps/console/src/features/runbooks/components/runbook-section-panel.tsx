import { useId } from 'react';
import '../runbooks.css';
import { RunbookMarkdown } from './runbook-markdown.js';

export interface RunbookSectionPanelProps {
  /** The matching section of the run's version's runbook; null when it has none. */
  readonly section: { readonly heading: string; readonly markdown: string } | null | undefined;
  /** What the section would be about, for the empty state: "low confidence", "approval step “reply”". */
  readonly subject: string;
}

/** The runbook section beside an exception or an approval: what to check and do. */
export function RunbookSectionPanel({ section, subject }: RunbookSectionPanelProps) {
  const titleId = useId();
  return (
    <section className="runbook-panel" aria-labelledby={titleId} data-testid="runbook-section">
      <h3 id={titleId}>{section ? `Runbook: ${section.heading}` : 'Runbook'}</h3>
      {section ? (
        <RunbookMarkdown markdown={section.markdown} />
      ) : (
        <p className="runbook-panel__empty">No runbook section for {subject}. Ask the workflow’s operational owner, and use your judgement.</p>
      )}
    </section>
  );
}
