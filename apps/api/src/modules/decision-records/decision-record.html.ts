import type { DecisionRecord, HumanDecision, RecordedPayload, RecordPerson } from '@gatehouse/domain';

/*
 * The decision record as one self-contained, printable HTML page: no scripts, no external
 * assets (the route's Content-Security-Policy forbids both), every value escaped. Printing it
 * from a browser ("Save as PDF") gives the document an organisation hands over.
 */

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

const e = escapeHtml;
const orDash = (v: unknown) => (v === null || v === undefined || v === '' ? '—' : e(v));
const when = (iso: string | null) => (iso ? `<time datetime="${e(iso)}">${e(iso.replace('T', ' ').replace(/\.\d+Z$/, ' UTC'))}</time>` : '—');
const who = (p: RecordPerson | null) => (p ? `${orDash(p.name ?? p.id)}${p.role ? ` <span class="muted">(${e(p.role)})</span>` : ''}` : '—');

function payload(p: RecordedPayload | null): string {
  if (!p || p.state === 'none') return '<span class="muted">none</span>';
  if (p.state === 'purged') return `<span class="purged">Purged by retention on ${when(p.purgedAt)}</span>`;
  return `<pre>${e(JSON.stringify(p.value, null, 2))}</pre>`;
}

function table(headers: string[], rows: string[][], empty: string): string {
  if (rows.length === 0) return `<p class="muted">${e(empty)}</p>`;
  return `<table><thead><tr>${headers.map((h) => `<th scope="col">${e(h)}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
}

function facts(pairs: Array<[string, string]>): string {
  return `<dl class="facts">${pairs.map(([k, v]) => `<div><dt>${e(k)}</dt><dd>${v}</dd></div>`).join('')}</dl>`;
}

function decision(d: HumanDecision): string[] {
  switch (d.kind) {
    case 'approval_decision': {
      const edit = d.edit ? `<p>Changed: ${d.edit.changes.map((c) => `<code>${e(c.op)} ${e(c.path || '/')}</code>`).join(', ') || '—'}</p>${payload(d.edit.edited)}` : '';
      return [when(d.at), who(d.by), `Approval of step <code>${e(d.stepId)}</code>: <strong>${e(d.decision.replaceAll('_', ' '))}</strong> (round ${e(d.round)})`, `${orDash(d.reason)}${edit}`];
    }
    case 'exception_resolution':
      return [when(d.at), who(d.by), `Exception (${e(d.exceptionReason.replaceAll('_', ' '))}) at step <code>${e(d.stepId)}</code>: <strong>${e(d.resolution.replaceAll('_', ' '))}</strong>${d.handOffTo ? ` to ${e(d.handOffTo)}` : ''}`, `${orDash(d.note)}${d.overrideOutput ? payload(d.overrideOutput) : ''}`];
    case 'cancellation':
      return [when(d.at), who(d.by), '<strong>Cancelled the run</strong>', orDash(d.reason)];
    case 'reopen':
      return [when(d.at), who(d.by), '<strong>Re-opened the run</strong>', orDash(d.reason)];
    case 'human_outcome':
      return [when(d.at), who(d.by), '<strong>Recorded the human outcome</strong>', d.agreed === null ? 'not compared' : d.agreed ? 'agrees with the AI result' : 'differs from the AI result'];
  }
}

const STYLE = `
  :root { color: #1b1f24; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
  body { margin: 2rem auto; max-width: 60rem; padding: 0 1rem; }
  h1 { font-size: 1.5rem; margin: 0 0 .25rem; } h2 { font-size: 1.1rem; margin: 2rem 0 .5rem; border-bottom: 1px solid #d0d7de; padding-bottom: .25rem; }
  .muted { color: #57606a; } .purged { color: #7d4e00; font-style: italic; }
  table { border-collapse: collapse; width: 100%; margin: .5rem 0; } th, td { border: 1px solid #d0d7de; padding: .3rem .45rem; text-align: left; vertical-align: top; }
  th { background: #f6f8fa; } code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: .85em; }
  pre { white-space: pre-wrap; word-break: break-word; background: #f6f8fa; padding: .4rem; margin: .25rem 0; }
  .facts { display: grid; grid-template-columns: repeat(auto-fill, minmax(14rem, 1fr)); gap: .5rem 1rem; margin: 0; } .facts dt { color: #57606a; font-size: .85em; } .facts dd { margin: 0; }
  td code { word-break: break-all; }
  .final { border: 2px solid #1b1f24; padding: .5rem .75rem; }
  @page { margin: 16mm; }
  @media print { body { margin: 0; max-width: none; } h2 { break-after: avoid; } tr, pre, .final { break-inside: avoid; } a { color: inherit; text-decoration: none; } }
`;

export function renderDecisionRecordHtml(r: DecisionRecord): string {
  const title = `Decision record — ${r.workflow.name} — run ${r.run.externalRef ?? r.run.id}`;
  const body = [
    `<header><h1>${e(title)}</h1><p class="muted">Generated ${when(r.generatedAt)} for ${who(r.generatedBy)} · record format ${e(r.kind)} v${e(r.schemaVersion)}</p></header>`,
    `<section aria-labelledby="s-run"><h2 id="s-run">Workflow, version and rollout stage</h2>${facts([
      ['Workflow', `${e(r.workflow.name)} <code>${e(r.workflow.key)}</code>`],
      ['Version', `v${e(r.workflow.version)}`],
      ['Rollout stage', e(r.run.rolloutStage)],
      ['Run status', e(r.run.status.replaceAll('_', ' '))],
      ['Run', `<code>${e(r.run.id)}</code>`],
      ['External reference', orDash(r.run.externalRef)],
      ['Started by', who(r.run.startedBy)],
      ['Created', when(r.run.createdAt)],
      ['Started', when(r.run.startedAt)],
      ['Finished', when(r.run.finishedAt)],
      ['Re-opened', `${e(r.run.reopenCount)} time(s)`],
      ['Cancel reason', orDash(r.run.cancelReason)],
    ])}</section>`,
    `<section aria-labelledby="s-final"><h2 id="s-final">Action finally taken</h2><div class="final"><p><strong>${e(r.finalAction.outcome.replaceAll('_', ' '))}</strong>${r.finalAction.action ? ` · <code>${e(r.finalAction.action)}</code> (${orDash(r.finalAction.actionClass)})` : ''}${r.finalAction.at ? ` · ${when(r.finalAction.at)}` : ''}</p><p>${e(r.finalAction.detail)}</p>${r.finalAction.idempotencyKey ? `<p>Idempotency key: <code>${e(r.finalAction.idempotencyKey)}</code></p>` : ''}${r.finalAction.args ? `<p>Arguments:</p>${payload(r.finalAction.args)}` : ''}</div></section>`,
    `<section aria-labelledby="s-data"><h2 id="s-data">Data fields the steps read</h2>${table(
      ['Step', 'Kind', 'Source', 'Field (JSON Pointer)', 'Read by'],
      r.dataFieldsRead.map((f) => [`<code>${e(f.stepId)}</code>`, e(f.stepKind), f.source === 'input' ? 'run input' : `output of <code>${e(f.sourceStepId)}</code>`, `<code>${e(f.pointer || '(whole document)')}</code>`, e(f.via.replaceAll('_', ' '))]),
      'The definition names no data fields.',
    )}</section>`,
    `<section aria-labelledby="s-steps"><h2 id="s-steps">Steps: provider, model and confidence</h2>${table(
      ['Step', 'Try', 'Status', 'Provider / model', 'Prompt version', 'Confidence', 'Tokens in/out', 'Cost (USD)', 'Latency', 'Output'],
      r.steps.map((s) => [`<code>${e(s.stepId)}</code> <span class="muted">${orDash(s.stepKind)}</span>`, e(s.attempt), e(s.status), `${orDash(s.provider)}${s.model ? ` / ${e(s.model)}` : ''}`, orDash(s.promptVersion), orDash(s.confidence), `${orDash(s.tokensIn)} / ${orDash(s.tokensOut)}`, orDash(s.costUsd), s.latencyMs === null ? '—' : `${e(s.latencyMs)} ms`, payload(s.output)]),
      'No step has run yet.',
    )}</section>`,
    `<section aria-labelledby="s-checks"><h2 id="s-checks">Checks</h2>${table(
      ['Step', 'Check', 'Result', 'Confidence / threshold', 'Detail', 'When'],
      r.checks.map((c) => [`<code>${e(c.stepId)}</code>${c.attempt ? ` #${e(c.attempt)}` : ''}`, e(c.check.replaceAll('_', ' ')), `<strong>${e(c.result)}</strong>`, c.threshold === null ? orDash(c.confidence) : `${orDash(c.confidence)} / ${e(c.threshold)}`, e(c.detail), when(c.at)]),
      'No checks were made.',
    )}</section>`,
    `<section aria-labelledby="s-people"><h2 id="s-people">People: who approved or changed what, and when</h2>${table(['When', 'Who', 'What', 'Reason, note or edit'], r.humanDecisions.map(decision), 'No person decided anything on this run.')}</section>`,
    `<section aria-labelledby="s-approvals"><h2 id="s-approvals">Approval gates</h2>${table(
      ['Step', 'Action', 'Needed', 'Status', 'Decided', 'Proposed by the AI', 'Approved edit'],
      r.approvals.map((a) => [`<code>${e(a.stepId)}</code>`, `${orDash(a.actionName)} (${e(a.actionClass)})`, `${e(a.requiredApprovals)} × ${e(a.requiredRole)}`, `${e(a.status)}${a.decision ? ` — ${e(a.decision.replaceAll('_', ' '))}` : ''}`, `${when(a.decidedAt)} ${who(a.decidedBy)}`, payload(a.proposed), a.changes.length ? `${a.changes.map((c) => `<code>${e(c.op)} ${e(c.path || '/')}</code>`).join(', ')}${payload(a.edited)}` : payload(a.edited)]),
      'The run met no approval gate.',
    )}</section>`,
    `<section aria-labelledby="s-exceptions"><h2 id="s-exceptions">Exceptions and hand-offs</h2>${table(
      ['Step', 'Reason', 'Opened', 'Status', 'Resolution', 'Details'],
      r.exceptions.map((x) => [`<code>${e(x.stepId)}</code>`, `${e(x.reason.replaceAll('_', ' '))}${x.reopened ? ' (re-opened)' : ''}`, when(x.openedAt), e(x.status), x.resolution ? `${e(x.resolution.replaceAll('_', ' '))} by ${who(x.resolvedBy)} ${when(x.resolvedAt)}` : '—', payload(x.details)]),
      'The run raised no exception.',
    )}${r.handOffs.length ? table(['Hand-off to', 'Status', 'Created', 'Closed', 'Note'], r.handOffs.map((h) => [e(h.target), e(h.status), when(h.createdAt), when(h.closedAt), orDash(h.note)]), '') : ''}</section>`,
    r.humanOutcome
      ? `<section aria-labelledby="s-outcome"><h2 id="s-outcome">Human outcome</h2>${facts([['Recorded', `${when(r.humanOutcome.recordedAt)} by ${who(r.humanOutcome.recordedBy)}`], ['Agrees with the AI', r.humanOutcome.agreed === null ? '—' : r.humanOutcome.agreed ? 'yes' : 'no']])}${payload(r.humanOutcome.humanOutcome)}</section>`
      : '',
    `<section aria-labelledby="s-io"><h2 id="s-io">Run input and result</h2><h3>Input</h3>${payload(r.run.input)}<h3>Output</h3>${payload(r.run.output)}${r.run.error.state === 'none' ? '' : `<h3>Error</h3>${payload(r.run.error)}`}</section>`,
    `<section aria-labelledby="s-redactions"><h2 id="s-redactions">Redactions</h2>${facts([
      ['Redacted paths', r.redactions.policy.redactPaths.length ? r.redactions.policy.redactPaths.map((p) => `<code>${e(p)}</code>`).join(', ') : 'none configured'],
      ['Detectors', r.redactions.policy.detectors.length ? e(r.redactions.policy.detectors.join(', ')) : 'off'],
      ['Replaced before storage', `${e(r.redactions.atStorage.total)} value(s)`],
      ['Replaced in this record', `${e(r.redactions.atExport.total)} value(s)`],
    ])}</section>`,
    `<section aria-labelledby="s-integrity"><h2 id="s-integrity">Integrity: audit events</h2><p class="muted">${e(r.integrity.howToVerify)}</p>${table(
      ['#', 'When', 'Event', 'Actor', 'Hash', 'Previous hash'],
      r.integrity.auditEvents.map((a) => [e(a.seq), when(a.occurredAt), `${e(a.action)}<br><code class="muted">${e(a.id)}</code>`, `${orDash(a.actorId)} <span class="muted">(${e(a.actorRole)})</span>`, `<code>${e(a.hash)}</code>`, `<code>${e(a.prevHash)}</code>`]),
      'No audit events.',
    )}</section>`,
  ].join('\n');
  return `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${e(title)}</title><style>${STYLE}</style></head><body>\n${body}\n</body></html>\n`;
}
