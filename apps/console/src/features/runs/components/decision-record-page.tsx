import { Button, ErrorMessage, ScreenHeader } from '@gatehouse/ui';
import { useState, type ReactNode } from 'react';
import { Link, useParams } from 'react-router';
import { useApiKey } from '../../session/hooks/use-api-key.js';
import { useDecisionRecord } from '../hooks/use-decision-record.js';
import { decisionLabel, downloadDecisionRecord, type DecisionRecordDocument, type RecordedPayload, type RecordPerson } from '../lib/decision-record.js';
import { formatDateTime, formatDuration, shortId } from '../lib/format.js';
import '../decision-record.css';
import '../runs.css';
import { JsonBlock } from './json-block.js';

const words = (s: string) => s.replaceAll('_', ' ');
const person = (p: RecordPerson | null) => (p ? `${p.name ?? p.id ?? 'unknown'}${p.role ? ` (${p.role})` : ''}` : '—');
const orDash = (v: string | number | null | undefined) => (v === null || v === undefined || v === '' ? '—' : String(v));

function Payload({ label, payload }: { readonly label: string; readonly payload: RecordedPayload }) {
  if (payload.state === 'recorded') return <JsonBlock label={label} value={payload.value} />;
  return (
    <p className="decision-record__payload">
      <strong>{label}:</strong>{' '}
      {payload.state === 'purged' ? <em>purged by retention on {formatDateTime(payload.purgedAt)}</em> : <span className="runs-muted">none</span>}
    </p>
  );
}

function Section({ id, title, children }: { readonly id: string; readonly title: string; readonly children: ReactNode }) {
  return (
    <section className="console-section decision-record__section" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  );
}

function Table({ caption, headers, rows, empty }: { readonly caption: string; readonly headers: readonly string[]; readonly rows: ReactNode[][]; readonly empty: string }) {
  if (rows.length === 0) return <p className="runs-muted">{empty}</p>;
  return (
    <table className="decision-record__table">
      <caption className="decision-record__caption">{caption}</caption>
      <thead>
        <tr>
          {headers.map((h) => (
            <th key={h} scope="col">
              {h}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row, i) => (
          <tr key={i}>
            {row.map((cell, j) => (
              <td key={j}>{cell}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** A run's decision record, readable and printable (the browser's "Save as PDF" gives the document). */
export function DecisionRecordPage() {
  const { runId = '' } = useParams();
  const query = useDecisionRecord(runId);
  const { apiKey } = useApiKey();
  const [download, setDownload] = useState<{ busy: boolean; error: string | null }>({ busy: false, error: null });

  const back = <Link to={`/runs/${runId}`}>Back to the run</Link>;
  if (query.isPending) {
    return (
      <>
        <ScreenHeader title="Decision record" subtitle={back} />
        <p role="status">Loading the decision record…</p>
      </>
    );
  }
  if (query.isError) {
    return (
      <>
        <ScreenHeader title="Decision record" subtitle={back} />
        <ErrorMessage title="Could not load the decision record" error={query.error} onRetry={() => void query.refetch()} />
      </>
    );
  }

  const r = query.data.decisionRecord.document as unknown as DecisionRecordDocument;
  const save = async () => {
    setDownload({ busy: true, error: null });
    try {
      await downloadDecisionRecord(runId, apiKey);
      setDownload({ busy: false, error: null });
    } catch (error) {
      setDownload({ busy: false, error: (error as Error).message });
    }
  };

  return (
    <article className="decision-record">
      <ScreenHeader
        title={`Decision record: run ${r.run.externalRef ?? shortId(r.run.id)}`}
        subtitle={
          <>
            {r.workflow.name} v{r.workflow.version} · {r.run.rolloutStage} stage · generated {formatDateTime(r.generatedAt)} for {person(r.generatedBy)} · <span className="decision-record__screen-only">{back}</span>
          </>
        }
        actions={
          <div className="decision-record__toolbar">
            <Button variant="primary" onClick={() => window.print()}>
              Print
            </Button>
            <Button onClick={() => void save()} disabledReason={download.busy ? 'Downloading…' : null}>
              Download JSON
            </Button>
          </div>
        }
      />
      {download.error ? (
        <p role="alert" className="decision-record__error">
          {download.error}
        </p>
      ) : null}

      <dl className="run-summary">
        <div>
          <dt>Workflow</dt>
          <dd>
            {r.workflow.name} <code>{r.workflow.key}</code> v{r.workflow.version}
          </dd>
        </div>
        <div>
          <dt>Rollout stage</dt>
          <dd>{r.run.rolloutStage}</dd>
        </div>
        <div>
          <dt>Status</dt>
          <dd>{words(r.run.status)}</dd>
        </div>
        <div>
          <dt>Started by</dt>
          <dd>{person(r.run.startedBy)}</dd>
        </div>
        <div>
          <dt>Created</dt>
          <dd>{formatDateTime(r.run.createdAt)}</dd>
        </div>
        <div>
          <dt>Finished</dt>
          <dd>{formatDateTime(r.run.finishedAt)}</dd>
        </div>
      </dl>

      <Section id="dr-final" title="Action finally taken">
        <p className="decision-record__final">
          <strong>{words(r.finalAction.outcome)}</strong>
          {r.finalAction.action ? <> · <code>{r.finalAction.action}</code></> : null}
          {r.finalAction.at ? <> · {formatDateTime(r.finalAction.at)}</> : null}
          <br />
          {r.finalAction.detail}
        </p>
      </Section>

      <Section id="dr-people" title="Who approved or changed what">
        <Table
          caption="Human decisions, oldest first"
          headers={['When', 'Who', 'What', 'Reason or note', 'Edit']}
          rows={r.humanDecisions.map((d) => [
            formatDateTime(d.at),
            person(d.by),
            decisionLabel(d),
            orDash(d.reason ?? d.note),
            d.edit ? (
              <>
                <span>Changed {d.edit.changes.map((c) => `${c.op} ${c.path || '/'}`).join(', ') || 'nothing'}</span>
                <Payload label="Edited value" payload={d.edit.edited} />
              </>
            ) : (
              '—'
            ),
          ])}
          empty="No person decided anything on this run."
        />
      </Section>

      <Section id="dr-steps" title="Providers, models and confidence">
        <Table
          caption="Step attempts"
          headers={['Step', 'Try', 'Status', 'Provider / model', 'Prompt version', 'Confidence', 'Tokens in / out', 'Cost (USD)', 'Latency']}
          rows={r.steps.map((s) => [s.stepId, s.attempt, s.status, `${orDash(s.provider)}${s.model ? ` / ${s.model}` : ''}`, orDash(s.promptVersion), orDash(s.confidence), `${orDash(s.tokensIn)} / ${orDash(s.tokensOut)}`, orDash(s.costUsd), formatDuration(s.latencyMs)])}
          empty="No step has run yet."
        />
      </Section>

      <Section id="dr-checks" title="Checks">
        <Table
          caption="Checks passed or failed"
          headers={['Step', 'Check', 'Result', 'Confidence / threshold', 'Detail']}
          rows={r.checks.map((c) => [`${c.stepId}${c.attempt ? ` #${c.attempt}` : ''}`, words(c.check), <strong key="r">{c.result}</strong>, c.threshold === null ? orDash(c.confidence) : `${orDash(c.confidence)} / ${c.threshold}`, c.detail])}
          empty="No checks were made."
        />
      </Section>

      <Section id="dr-data" title="Data fields the steps read">
        <Table
          caption="Data fields read, per step"
          headers={['Step', 'Source', 'Field', 'Read by']}
          rows={r.dataFieldsRead.map((f) => [f.stepId, f.source === 'input' ? 'run input' : `output of ${f.sourceStepId ?? '?'}`, <code key="p">{f.pointer || '(whole document)'}</code>, words(f.via)])}
          empty="The definition names no data fields."
        />
      </Section>

      <Section id="dr-io" title="Run input and result">
        <div className="run-io__grid">
          <Payload label="Input" payload={r.run.input} />
          <Payload label="Output" payload={r.run.output} />
        </div>
      </Section>

      <Section id="dr-redactions" title="Redactions">
        <p>
          Redacted paths: {r.redactions.policy.redactPaths.join(', ') || 'none configured'} · detectors: {r.redactions.policy.detectors.join(', ') || 'off'} · replaced before storage: {r.redactions.atStorage.total} · replaced in this record: {r.redactions.atExport.total}
        </p>
      </Section>

      <Section id="dr-integrity" title="Integrity: audit events">
        <p className="runs-muted">{r.integrity.howToVerify}</p>
        <Table
          caption="Audit events of the run"
          headers={['#', 'When', 'Event', 'Hash']}
          rows={r.integrity.auditEvents.map((e) => [e.seq, formatDateTime(e.occurredAt), e.action, <code key="h" className="decision-record__hash">{e.hash}</code>])}
          empty="No audit events."
        />
      </Section>
    </article>
  );
}
