import { ErrorMessage } from '@gatehouse/ui';
import { useEffect, useRef, useState } from 'react';
import { Link } from 'react-router';
import { useGraphQLMutation } from '../../../lib/graphql-hooks.js';
import { JsonBlock } from '../../runs/components/json-block.js';
import { formatDateTime, formatRelative, humanise } from '../../runs/lib/format.js';
import { useCan } from '../../session/hooks/use-can.js';
import { DECIDE_APPROVAL_MUTATION } from '../api/decide-approval.mutation.js';
import { useApproval } from '../hooks/use-approval.js';
import { useNow } from '../../../lib/use-now.js';
import { type DecisionInput, DecisionForm } from './decision-form.js';
import { RunbookSectionPanel } from '../../runbooks/components/runbook-section-panel.js';
import { ProposalDiff } from './proposal-diff.js';

const OUTCOME: Record<string, string> = {
  approve: 'Approved. The run continues with the proposed action.',
  edit_and_approve: 'Approved with your edits. The run continues with the edited action.',
  reject: 'Rejected. The run is cancelled.',
};

/** One approval: the proposed action, its arguments (the AI draft), and the decision. */
export function ApprovalDetail({ approvalId }: { readonly approvalId: string }) {
  const query = useApproval(approvalId);
  const canDecide = useCan('decideApproval');
  const now = useNow(30_000);
  const heading = useRef<HTMLHeadingElement>(null);
  const outcome = useRef<HTMLParagraphElement>(null);
  const [decided, setDecided] = useState<string | null>(null);
  const decide = useGraphQLMutation(DECIDE_APPROVAL_MUTATION, {
    onSuccess: (data) => setDecided(data.decideApproval.decision ?? null),
    // Someone else decided first: show their decision (the API's message says what happened).
    onError: (error) => {
      if (error.code === 'CONFLICT') void query.refetch();
    },
  });

  const loaded = query.data?.approval.id;
  // Opening an approval moves focus to it, so keyboard and screen-reader users land on what they chose.
  useEffect(() => {
    if (loaded) heading.current?.focus();
  }, [loaded]);
  useEffect(() => {
    if (decided) outcome.current?.focus();
  }, [decided]);

  if (query.isPending) return <p role="status">Loading the approval…</p>;
  if (query.isError) {
    return <ErrorMessage title="Could not load this approval" error={query.error} onRetry={() => void query.refetch()} />;
  }
  const a = query.data.approval;
  const onDecide = (input: DecisionInput) =>
    decide.mutate({
      approvalId: a.id,
      decision: input.decision,
      reason: input.reason,
      ...(input.editedOutput !== undefined ? { editedOutput: input.editedOutput } : {}),
    });
  const overdue = a.status === 'pending' && a.dueAt !== null && new Date(a.dueAt).getTime() < now;

  return (
    <article className="approval-detail" aria-labelledby="approval-detail-title">
      <h2 id="approval-detail-title" ref={heading} tabIndex={-1}>
        {a.actionName ?? a.stepId} <span className="approvals-muted">({humanise(a.actionClass)})</span>
      </h2>
      {decided ? (
        <p ref={outcome} tabIndex={-1} role="status" className="approval-detail__outcome">
          {OUTCOME[decided] ?? 'Decision recorded.'}
        </p>
      ) : null}
      {decide.error ? <ErrorMessage title="Your decision was not recorded" error={decide.error} /> : null}
      <dl className="approval-facts">
        <div>
          <dt>Status</dt>
          <dd>
            {a.status}
            {a.decision ? ` (${humanise(a.decision)})` : ''}
          </dd>
        </div>
        <div>
          <dt>Workflow</dt>
          <dd>{a.workflow.name}</dd>
        </div>
        <div>
          <dt>Run</dt>
          <dd>
            <Link to={`/runs/${a.run.id}`}>{a.run.externalRef ?? a.run.id}</Link>{' '}
            <span className="approvals-muted">({a.run.mode} mode)</span>
          </dd>
        </div>
        <div>
          <dt>Step</dt>
          <dd>{a.stepId}</dd>
        </div>
        <div>
          <dt>Requested by</dt>
          <dd>{a.requestedBy?.name ?? 'the system'}</dd>
        </div>
        <div>
          <dt>Requested</dt>
          <dd>
            <time dateTime={a.createdAt} title={formatDateTime(a.createdAt)}>
              {formatRelative(a.createdAt, now)}
            </time>
          </dd>
        </div>
        <div>
          <dt>Due</dt>
          <dd className={overdue ? 'approvals-overdue' : undefined}>
            {a.dueAt ? (
              <time dateTime={a.dueAt} title={formatDateTime(a.dueAt)}>
                {overdue ? `overdue, was due ${formatRelative(a.dueAt, now)}` : formatRelative(a.dueAt, now)}
              </time>
            ) : (
              'no deadline'
            )}
          </dd>
        </div>
        <div>
          <dt>Needs</dt>
          <dd>
            a {a.requiredRole} or higher
            {a.requiredApprovals > 1 ? `; ${a.requiredApprovals} different approvers (irreversible action)` : ''}
          </dd>
        </div>
        {a.requiredApprovals > 1 ? (
          <div className="approval-facts__wide">
            <dt>Approvals so far</dt>
            <dd>
              {a.approvalCount} of {a.requiredApprovals}
              {a.decisions.length > 0 ? (
                <ul className="approval-decisions">
                  {a.decisions.map((d) => (
                    <li key={d.id}>
                      {d.decidedBy?.name ?? 'someone'}: {humanise(d.decision)}{' '}
                      <time dateTime={d.decidedAt}>{formatDateTime(d.decidedAt)}</time>
                      {d.round < Math.max(...a.decisions.map((x) => x.round)) ? ' (an earlier round: an edit reset the count)' : ''}
                      {d.reason ? ` — ${d.reason}` : ''}
                    </li>
                  ))}
                </ul>
              ) : null}
            </dd>
          </div>
        ) : null}
        {a.decidedAt ? (
          <div>
            <dt>Decided</dt>
            <dd>
              {formatDateTime(a.decidedAt)}
              {a.decidedBy ? ` by ${a.decidedBy.name}` : ''}
            </dd>
          </div>
        ) : null}
        {a.reason ? (
          <div className="approval-facts__wide">
            <dt>Reason</dt>
            <dd>{a.reason}</dd>
          </div>
        ) : null}
      </dl>

      <RunbookSectionPanel section={a.runbookSection} subject={`approvals of step “${a.stepId}”`} />

      <section aria-labelledby="approval-proposed-title" className="approval-section">
        <h3 id="approval-proposed-title">Proposed action</h3>
        <p>
          <code>{a.actionName ?? a.stepId}</code> — {humanise(a.actionClass)}, with these arguments (the AI draft):
        </p>
        <JsonBlock label="AI draft (proposed arguments)" value={a.proposed} />
      </section>

      {a.edited !== null ? (
        <section aria-labelledby="approval-edit-title" className="approval-section">
          <h3 id="approval-edit-title">The reviewer’s edit</h3>
          <ProposalDiff draft={a.proposed} edited={a.edited} caption="The edit against the AI draft" />
        </section>
      ) : null}

      {canDecide && a.status === 'pending' ? (
        <DecisionForm
          key={a.id}
          proposed={a.proposed}
          blockedReason={a.decisionBlockedReason ?? null}
          pending={decide.isPending}
          onDecide={onDecide}
        />
      ) : null}

      <section aria-labelledby="approval-input-title" className="approval-section">
        <h3 id="approval-input-title">What the run was given</h3>
        <JsonBlock label="Run input" value={a.run.input} />
      </section>
    </article>
  );
}
