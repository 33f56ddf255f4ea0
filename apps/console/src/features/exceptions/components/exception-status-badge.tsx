const PRESENTATION: Record<string, { label: string; tone: string; symbol: string }> = {
  open: { label: 'Open', tone: 'attention', symbol: '○' },
  claimed: { label: 'Claimed', tone: 'info', symbol: '◐' },
  resolved: { label: 'Resolved', tone: 'success', symbol: '✓' },
};

/** An exception item's status, in the shared badge style (text first; tone and symbol only reinforce it). */
export function ExceptionStatusBadge({ status }: { readonly status: string }) {
  const p = PRESENTATION[status] ?? { label: status, tone: 'neutral', symbol: '•' };
  return (
    <span className={`gh-status-badge gh-status-badge--${p.tone}`} data-status={status}>
      <span className="gh-status-badge__symbol" aria-hidden="true">
        {p.symbol}
      </span>
      {p.label}
    </span>
  );
}
