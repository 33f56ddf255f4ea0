import { Button } from '@gatehouse/ui';
import { useState } from 'react';
import { useGraphQLMutation } from '../../../lib/graphql-hooks.js';
import { useCan, useMyId } from '../../session/hooks/use-can.js';
import { useMe } from '../../session/hooks/use-me.js';
import { APPROVE_VERSION_MUTATION, PUBLISH_VERSION_MUTATION, REJECT_VERSION_MUTATION, ROLLBACK_MUTATION } from '../api/workflow-mutations.js';
import { ErrorDetails } from './error-details.js';
import { ReasonDialog } from './reason-dialog.js';

interface Version {
  readonly version: number;
  readonly status: string;
  readonly changeNote: string;
  readonly createdAt: string;
  readonly publishedAt: string | null;
  readonly rejectionReason: string | null;
  readonly author: { readonly id: string; readonly name: string };
  readonly approvedBy: { readonly id: string; readonly name: string } | null;
  readonly publishReadiness: { readonly ready: boolean; readonly missing: ReadonlyArray<{ readonly item: string; readonly message: string }> };
}

export interface VersionTableProps {
  readonly workflowKey: string;
  readonly versions: readonly Version[];
  readonly changeApprover: { readonly id: string; readonly name: string } | null;
}

type Pending = { kind: 'approve' | 'reject' | 'publish' | 'rollback'; version: number } | null;

const STATUS_LABEL: Record<string, string> = {
  draft: 'Draft',
  proposed: 'Proposed',
  approved: 'Approved',
  rejected: 'Rejected',
  published: 'Published',
  superseded: 'Superseded',
};

const when = (iso: string) => new Date(iso).toLocaleString();

/** Versions with status, author and approver, and the actions this role may take on each. */
export function VersionTable({ workflowKey, versions, changeApprover }: VersionTableProps) {
  const myId = useMyId();
  const isAdmin = useMe().data?.me.role === 'admin';
  const canApprove = useCan('approveWorkflowVersion');
  const canReject = useCan('rejectWorkflowVersion');
  const canPublish = useCan('publishWorkflowVersion');
  const canRollback = useCan('rollbackWorkflow');
  const [pending, setPending] = useState<Pending>(null);

  const approve = useGraphQLMutation(APPROVE_VERSION_MUTATION);
  const reject = useGraphQLMutation(REJECT_VERSION_MUTATION);
  const publish = useGraphQLMutation(PUBLISH_VERSION_MUTATION);
  const rollback = useGraphQLMutation(ROLLBACK_MUTATION);

  const anyAction = canApprove || canReject || canPublish || canRollback;

  /** Separation of duties, said on the control: the API refuses these anyway. */
  const decideBlocked = (v: Version): string | null => {
    if (v.author.id === myId) return 'You authored this version; the change approver decides it.';
    if (!isAdmin && changeApprover && changeApprover.id !== myId) return `Only the change approver (${changeApprover.name}) or an admin may decide this version.`;
    return null;
  };

  const actionsFor = (v: Version) => {
    const buttons = [];
    if (v.status === 'proposed' && canApprove) {
      buttons.push(
        <Button key="approve" variant="primary" disabledReason={decideBlocked(v)} onClick={() => setPending({ kind: 'approve', version: v.version })}>
          Approve v{v.version}
        </Button>,
      );
    }
    if (v.status === 'proposed' && canReject) {
      buttons.push(
        <Button key="reject" disabledReason={decideBlocked(v)} onClick={() => setPending({ kind: 'reject', version: v.version })}>
          Reject v{v.version}
        </Button>,
      );
    }
    if (v.status === 'approved' && canPublish) {
      buttons.push(
        <Button key="publish" variant="primary" onClick={() => setPending({ kind: 'publish', version: v.version })}>
          Publish v{v.version}
        </Button>,
      );
    }
    if (v.status === 'superseded' && v.publishedAt && canRollback) {
      buttons.push(
        <Button key="rollback" variant="danger" onClick={() => setPending({ kind: 'rollback', version: v.version })}>
          Roll back to v{v.version}
        </Button>,
      );
    }
    return buttons;
  };

  const target = pending ? versions.find((v) => v.version === pending.version) : undefined;

  return (
    <>
      <table className="console-table wf-table">
        <caption className="console-table__caption">{versions.length === 1 ? '1 version' : `${versions.length} versions`}, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Version</th>
            <th scope="col">Status</th>
            <th scope="col">Change note</th>
            <th scope="col">Author</th>
            <th scope="col">Approver</th>
            <th scope="col">Publishable</th>
            {anyAction ? <th scope="col">Actions</th> : null}
          </tr>
        </thead>
        <tbody>
          {versions.map((v) => (
            <tr key={v.version} data-version={v.version}>
              <th scope="row">
                v{v.version}
                <div className="wf-muted">{when(v.createdAt)}</div>
              </th>
              <td>
                <span className={`wf-version-status wf-version-status--${v.status}`}>{STATUS_LABEL[v.status] ?? v.status}</span>
                {v.rejectionReason ? <div className="wf-muted">{v.rejectionReason}</div> : null}
              </td>
              <td>{v.changeNote || <span className="wf-muted">—</span>}</td>
              <td>{v.author.name}</td>
              <td>{v.approvedBy?.name ?? <span className="wf-muted">—</span>}</td>
              <td>
                {v.publishReadiness.ready ? (
                  '✓ All five clarity points set'
                ) : (
                  <details>
                    <summary>{v.publishReadiness.missing.length} missing</summary>
                    <ul>
                      {v.publishReadiness.missing.map((m) => (
                        <li key={m.item}>{m.message}</li>
                      ))}
                    </ul>
                  </details>
                )}
              </td>
              {anyAction ? (
                <td>
                  <div className="wf-actions">{actionsFor(v)}</div>
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>

      {pending?.kind === 'approve' ? (
        <ReasonDialog
          title={`Approve v${pending.version}`}
          description="Approving lets the owner publish this version."
          confirmLabel="Approve"
          reason="optional"
          reasonLabel="Note"
          onConfirm={(note) => approve.mutateAsync({ key: workflowKey, version: pending.version, note: note || null })}
          onClose={() => setPending(null)}
        />
      ) : null}
      {pending?.kind === 'reject' ? (
        <ReasonDialog
          title={`Reject v${pending.version}`}
          description="The author sees the reason and can propose a new version."
          confirmLabel="Reject"
          variant="danger"
          onConfirm={(reason) => reject.mutateAsync({ key: workflowKey, version: pending.version, reason })}
          onClose={() => setPending(null)}
        />
      ) : null}
      {pending?.kind === 'publish' ? (
        <ReasonDialog
          title={`Publish v${pending.version}`}
          description={
            target && !target.publishReadiness.ready ? (
              <>
                <p>The API will refuse while clarity points are missing:</p>
                <ul>
                  {target.publishReadiness.missing.map((m) => (
                    <li key={m.item}>{m.message}</li>
                  ))}
                </ul>
              </>
            ) : (
              'New runs will use this version; runs already started keep theirs.'
            )
          }
          confirmLabel="Publish"
          reason="none"
          onConfirm={() => publish.mutateAsync({ key: workflowKey, version: pending.version })}
          onClose={() => setPending(null)}
          renderErrorDetails={(error) => <ErrorDetails error={error} />}
        />
      ) : null}
      {pending?.kind === 'rollback' ? (
        <ReasonDialog
          title={`Roll back to v${pending.version}`}
          description={`v${pending.version} is republished; new runs use it at once.`}
          confirmLabel="Roll back"
          variant="danger"
          onConfirm={(reason) => rollback.mutateAsync({ key: workflowKey, reason, toVersion: pending.version })}
          onClose={() => setPending(null)}
        />
      ) : null}
    </>
  );
}
