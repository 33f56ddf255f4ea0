import type { ConsoleExceptionQuery } from '../../../gql/graphql.js';

type Attempt = ConsoleExceptionQuery['exception']['run']['steps'][number];

/** The latest attempt of the step that raised the exception. */
export function failingAttempt(steps: readonly Attempt[], stepId: string): Attempt | null {
  const attempts = steps.filter((s) => s.stepId === stepId);
  return attempts.reduce<Attempt | null>((latest, a) => (latest === null || a.attempt >= latest.attempt ? a : latest), null);
}

/**
 * What the JSON editor starts from: the failing step's own output when it produced one (an
 * agent's invalid or low-confidence answer); for a validate step, which checks the output
 * before it, that earlier output; otherwise an empty object to fill in.
 */
export function editorStartingOutput(steps: readonly Attempt[], failing: Attempt | null): unknown {
  if (!failing) return {};
  if (failing.output !== null && failing.output !== undefined) return failing.output;
  if (failing.stepKind === 'validate') {
    const before = steps.slice(0, steps.indexOf(failing)).filter((s) => s.output !== null && s.output !== undefined);
    if (before.length > 0) return before.at(-1)!.output;
  }
  return {};
}

const STATUS_SYMBOL: Record<string, string> = { succeeded: '✓', failed: '✕', gated: '⏸', running: '◔' };

/** Every step attempt of the run in order, with its status; the failing one is marked. */
export function StepTrace({ steps, failingId }: { readonly steps: readonly Attempt[]; readonly failingId: string | null }) {
  if (steps.length === 0) return <p className="exq-muted">No steps have run yet.</p>;
  return (
    <table className="console-table exq-trace">
      <thead>
        <tr>
          <th scope="col">Step</th>
          <th scope="col">Kind</th>
          <th scope="col">Attempt</th>
          <th scope="col">Status</th>
          <th scope="col">Confidence</th>
          <th scope="col">Latency</th>
        </tr>
      </thead>
      <tbody>
        {steps.map((s) => (
          <tr key={s.id} className={s.id === failingId ? 'exq-trace__failing' : undefined}>
            <td>
              {s.stepId}
              {s.id === failingId ? <span className="exq-trace__flag"> (raised this exception)</span> : null}
            </td>
            <td>{s.stepKind ?? '—'}</td>
            <td>{s.attempt}</td>
            <td data-step-status={s.status}>
              <span aria-hidden="true">{STATUS_SYMBOL[s.status] ?? '•'} </span>
              {s.status}
            </td>
            <td>{s.confidence ?? '—'}</td>
            <td>{s.latencyMs === null || s.latencyMs === undefined ? '—' : `${s.latencyMs} ms`}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
