import { Button, ErrorMessage } from '@gatehouse/ui';
import { type FormEvent, useId, useState } from 'react';
import type { ConsoleWorkflowChallengerQuery } from '../../../gql/graphql.js';
import { useGraphQLMutation, useGraphQLQuery } from '../../../lib/graphql-hooks.js';
import type { GraphQLRequestError } from '../../../lib/graphql-client.js';
import { useCan } from '../../session/hooks/use-can.js';
import { useMe } from '../../session/hooks/use-me.js';
import { ATTACH_CHALLENGER_MUTATION, CHALLENGER_QUERY, DETACH_CHALLENGER_MUTATION, SWITCH_TO_CHALLENGER_MUTATION } from '../api/challenger.query.js';
import { ReasonDialog } from './reason-dialog.js';

type Workflow = ConsoleWorkflowChallengerQuery['workflow'];
type Challenger = NonNullable<Workflow['challenger']>;
type Side = Challenger['comparison']['champion'];
type Figure = Challenger['comparison']['vsChampion'];

const pct = (n: number) => `${Math.round(n * 1000) / 10}%`;
const usd = (n: number | null) => (n === null ? '—' : `$${n.toFixed(n < 0.01 ? 5 : 4)}`);
const ms = (n: number | null) => (n === null ? '—' : `${n.toLocaleString()} ms`);
const figure = (f: Figure) => (f.rate === null ? 'no sample yet' : `${pct(f.rate)} (${f.agreed} of ${f.sampleSize})`);

/**
 * Champion / challenger: which version shadows live runs, and both side by side — agreement,
 * cost per run and step latency, each with its sample size — so a model or prompt change is
 * proven on live traffic before it takes over. Switching is a publish of the challenger,
 * refused by the API below the agreement threshold unless an admin overrides with a reason.
 */
export function ChallengerPanel({ workflowKey }: { readonly workflowKey: string }) {
  const query = useGraphQLQuery(CHALLENGER_QUERY, { key: workflowKey }, { refetchInterval: 10_000 });
  if (query.isPending) return <p role="status">Loading the challenger…</p>;
  if (query.isError) return <ErrorMessage title="Could not load the challenger" error={query.error} onRetry={() => void query.refetch()} />;
  const w = query.data.workflow;
  return w.challenger ? <ChallengerComparison workflowKey={workflowKey} challenger={w.challenger} championVersion={w.publishedVersion?.version ?? null} /> : <AttachChallenger workflow={w} />;
}

function ChallengerComparison({ workflowKey, challenger, championVersion }: { readonly workflowKey: string; readonly challenger: Challenger; readonly championVersion: number | null }) {
  const c = challenger.comparison;
  const gate = c.gate;
  const canAttach = useCan('attachChallenger');
  const canDetach = useCan('detachChallenger');
  const canPublish = useCan('publishWorkflowVersion');
  const isAdmin = useMe().data?.me.role === 'admin';
  const [dialog, setDialog] = useState<'detach' | 'switch' | 'override' | 'share' | null>(null);
  const detach = useGraphQLMutation(DETACH_CHALLENGER_MUTATION);
  const publish = useGraphQLMutation(SWITCH_TO_CHALLENGER_MUTATION);
  const attach = useGraphQLMutation(ATTACH_CHALLENGER_MUTATION);
  const v = challenger.version.version;

  const row = (label: string, pick: (s: Side) => string) => (
    <tr>
      <th scope="row">{label}</th>
      <td>{pick(c.champion)}</td>
      <td>{pick(c.challenger)}</td>
    </tr>
  );

  return (
    <div className="wf-challenger" data-testid="challenger-panel">
      <p>
        <strong>v{v}</strong> shadows <strong>{challenger.sharePercent}%</strong> of live runs beside the published{' '}
        {championVersion === null ? 'version' : `v${championVersion}`}; its actions are recorded, never sent. It changes:{' '}
        {challenger.changes.join(', ')}. Attached {new Date(challenger.attachedAt).toLocaleString()}
        {challenger.attachedBy ? ` by ${challenger.attachedBy.name}` : ''}.
      </p>
      <table className="console-table wf-challenger__table">
        <caption className="console-table__caption">
          Side by side on the {c.pairs.toLocaleString()} live runs it shadowed ({c.finished.toLocaleString()} finished)
        </caption>
        <thead>
          <tr>
            <th scope="col">Figure</th>
            <th scope="col">Champion{championVersion === null ? '' : ` (v${championVersion})`}</th>
            <th scope="col">Challenger (v{v})</th>
          </tr>
        </thead>
        <tbody>
          {row('Runs with a result (n)', (s) => s.runs.toLocaleString())}
          {row('Failed', (s) => s.failed.toLocaleString())}
          {row('Cost per run', (s) => usd(s.costPerRunUsd))}
          {row('Step latency p50', (s) => ms(s.latencyP50Ms))}
          {row('Step latency p95', (s) => ms(s.latencyP95Ms))}
        </tbody>
      </table>
      <dl className="wf-dl wf-dl--grid">
        <dt>Agrees with the champion</dt>
        <dd data-testid="challenger-vs-champion">{figure(c.vsChampion)}</dd>
        <dt>Agrees with people</dt>
        <dd data-testid="challenger-vs-human">{c.vsHuman.sampleSize === 0 ? 'no human outcomes recorded on these runs' : figure(c.vsHuman)}</dd>
        <dt>Switch gate</dt>
        <dd data-testid="challenger-gate">
          {gate.rate === null ? 'nothing to judge yet' : `${pct(gate.rate)} (${gate.agreed} of ${gate.sampleSize})`} — needs ≥ {gate.minSampleSize.toLocaleString()} finished runs at ≥{' '}
          {pct(gate.threshold)} {gate.meetsThreshold ? '✓ may switch' : '✕ not yet'}
        </dd>
      </dl>
      <div className="wf-actions">
        {canPublish && gate.meetsThreshold ? (
          <Button variant="primary" onClick={() => setDialog('switch')}>
            Switch to v{v}
          </Button>
        ) : null}
        {canPublish && !gate.meetsThreshold && isAdmin ? (
          <Button variant="danger" onClick={() => setDialog('override')}>
            Switch to v{v} anyway (admin override)
          </Button>
        ) : null}
        {canAttach ? <Button onClick={() => setDialog('share')}>Change share</Button> : null}
        {canDetach ? <Button onClick={() => setDialog('detach')}>Detach challenger</Button> : null}
      </div>
      {dialog === 'switch' ? (
        <ReasonDialog
          title={`Switch to v${v}?`}
          description={`Publishes v${v}: it becomes the live version for new runs and stops being a challenger. Runs in flight finish on their own version.`}
          confirmLabel="Switch"
          reason="none"
          onConfirm={() => publish.mutateAsync({ key: workflowKey, version: v })}
          onClose={() => setDialog(null)}
        />
      ) : null}
      {dialog === 'override' ? (
        <ReasonDialog
          title={`Override the agreement gate for v${v}?`}
          description={`The challenger agrees ${gate.rate === null ? 'on no runs yet' : pct(gate.rate)}, below the ${pct(gate.threshold)} the workflow requires. Publishing it anyway is recorded in the audit trail with your reason and these figures.`}
          confirmLabel="Override and switch"
          variant="danger"
          reasonLabel="Why switch below the threshold"
          onConfirm={(reason) => publish.mutateAsync({ key: workflowKey, version: v, overrideReason: reason })}
          onClose={() => setDialog(null)}
        />
      ) : null}
      {dialog === 'detach' ? (
        <ReasonDialog
          title={`Detach challenger v${v}?`}
          description="New live runs are no longer shadowed. The challenger runs so far stay readable."
          confirmLabel="Detach"
          onConfirm={(reason) => detach.mutateAsync({ key: workflowKey, reason })}
          onClose={() => setDialog(null)}
        />
      ) : null}
      {dialog === 'share' ? (
        <ShareDialog current={challenger.sharePercent} onClose={() => setDialog(null)} onSave={(share) => attach.mutateAsync({ key: workflowKey, version: v, sharePercent: share })} />
      ) : null}
    </div>
  );
}

/** Approved versions not yet published can be attached; the API checks everything else and says why. */
function AttachChallenger({ workflow }: { readonly workflow: Workflow }) {
  const canAttach = useCan('attachChallenger');
  const attach = useGraphQLMutation(ATTACH_CHALLENGER_MUTATION);
  const candidates = workflow.versions.filter((v) => v.status === 'approved');
  const [version, setVersion] = useState<string>('');
  const [share, setShare] = useState('10');
  const [error, setError] = useState<GraphQLRequestError | Error | null>(null);
  const versionId = useId();
  const shareId = useId();

  if (!canAttach) return <p>No challenger is attached: the published version runs alone.</p>;
  if (candidates.length === 0) {
    return <p>No challenger is attached. Propose a version that changes the model, provider, prompt or rules and have it approved; it can then shadow live runs here before it takes over.</p>;
  }
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    const chosen = Number(version || candidates[0]!.version);
    try {
      await attach.mutateAsync({ key: workflow.key, version: chosen, sharePercent: Number(share) });
    } catch (e) {
      setError(e as Error);
    }
  };
  return (
    <form className="wf-challenger-form" onSubmit={(e) => void submit(e)} aria-label="Attach a challenger" noValidate>
      <p>No challenger is attached. An approved version can shadow a share of live runs; its actions are never sent.</p>
      <label htmlFor={versionId}>Challenger version</label>
      <select id={versionId} value={version || String(candidates[0]!.version)} onChange={(e) => setVersion(e.target.value)}>
        {candidates.map((v) => (
          <option key={v.id} value={v.version}>
            v{v.version}
            {v.changeNote ? ` — ${v.changeNote}` : ''}
          </option>
        ))}
      </select>
      <label htmlFor={shareId}>Share of live runs (%)</label>
      <input id={shareId} type="number" min={0} max={100} step="any" value={share} onChange={(e) => setShare(e.target.value)} required />
      <Button variant="primary" type="submit" disabledReason={attach.isPending ? 'Attaching…' : null}>
        Attach challenger
      </Button>
      {error ? <ErrorMessage title="Could not attach the challenger" error={error} /> : null}
    </form>
  );
}

function ShareDialog({ current, onSave, onClose }: { readonly current: number; readonly onSave: (share: number) => Promise<unknown>; readonly onClose: () => void }) {
  const [share, setShare] = useState(String(current));
  return (
    <ReasonDialog
      title="Change the challenger's share"
      description={
        <label>
          Share of live runs (%){' '}
          <input type="number" min={0} max={100} step="any" value={share} onChange={(e) => setShare(e.target.value)} />
        </label>
      }
      confirmLabel="Save share"
      reason="none"
      onConfirm={() => onSave(Number(share))}
      onClose={onClose}
    />
  );
}
