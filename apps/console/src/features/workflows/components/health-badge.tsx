type HealthStatus = 'healthy' | 'attention' | 'critical' | 'paused';

interface HealthLike {
  readonly status: HealthStatus;
  readonly signals: ReadonlyArray<{ readonly message: string }>;
}

const PRESENTATION: Record<HealthStatus, { label: string; symbol: string }> = {
  healthy: { label: 'Healthy', symbol: '✓' },
  attention: { label: 'Needs attention', symbol: '!' },
  critical: { label: 'Critical', symbol: '✕' },
  paused: { label: 'Paused', symbol: '⏸' },
};

/** The definition the API applies (Workflow.health), in words for the legend and tooltips. */
export const HEALTH_DEFINITION: ReadonlyArray<{ status: HealthStatus; meaning: string }> = [
  { status: 'paused', meaning: 'The kill switch is on: no new step starts.' },
  {
    status: 'critical',
    meaning:
      'An exception or approval is past its SLA right now, or at least 20% of at least 5 finished runs started in the last 24 h failed.',
  },
  { status: 'attention', meaning: 'Exceptions wait in the queue within SLA, a cost-drift alert is open, or a run started in the last 24 h failed.' },
  { status: 'healthy', meaning: 'Nothing waiting, overdue or failing.' },
];

export function healthLabel(status: HealthStatus): string {
  return PRESENTATION[status].label;
}

/** Health as text and symbol (never colour alone); the signals behind it as tooltip and for screen readers. */
export function HealthBadge({ health }: { readonly health: HealthLike }) {
  const { label, symbol } = PRESENTATION[health.status];
  const why = health.signals.map((s) => s.message).join(' ') || (HEALTH_DEFINITION.find((d) => d.status === 'healthy')?.meaning ?? '');
  return (
    <span className={`wf-health wf-health--${health.status}`} title={why} data-health={health.status}>
      <span aria-hidden="true" className="wf-health__symbol">
        {symbol}
      </span>
      {label}
      <span className="gh-visually-hidden">{`: ${why}`}</span>
    </span>
  );
}

/** The legend under the list: what each health word means. */
export function HealthLegend() {
  return (
    <details className="wf-legend">
      <summary>How health is judged</summary>
      <dl>
        {HEALTH_DEFINITION.map((d) => (
          <div key={d.status}>
            <dt>{healthLabel(d.status)}</dt>
            <dd>{d.meaning}</dd>
          </div>
        ))}
      </dl>
      <p>The worst applies. Hover a workflow's health to see the signals behind it.</p>
    </details>
  );
}
