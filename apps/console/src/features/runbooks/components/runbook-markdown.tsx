import Markdown from 'react-markdown';

/**
 * Runbook Markdown as React elements. Runbooks are written by workflow owners and read by
 * everyone, so they are untrusted: raw HTML is dropped (no rehype-raw), and react-markdown's
 * default URL filter neutralises javascript: and other unsafe link targets.
 */
export function RunbookMarkdown({ markdown }: { readonly markdown: string }) {
  return (
    <div className="runbook-markdown">
      <Markdown skipHtml>{markdown}</Markdown>
    </div>
  );
}
