import type { ReactNode } from 'react';

type Point = 'outcome' | 'boundary' | 'approval_points' | 'exception_paths' | 'named_owner';

interface Person {
  readonly name: string;
  readonly email: string;
}

export interface ClarityPointsProps {
  readonly outcome: { readonly statement: string; readonly targetMetric: string } | null;
  readonly owners: { readonly operationalOwner: Person | null; readonly changeApprover: Person | null; readonly failureReviewer: Person | null };
  /** The definition shown (the published one, else the newest). */
  readonly definition: Record<string, unknown> | null;
  readonly versionLabel: string | null;
  /** What publishReadiness says is missing for that version. */
  readonly missing: ReadonlyArray<{ readonly point: Point; readonly item: string; readonly message: string }>;
}

interface Boundary {
  trigger?: string;
  allowedActions?: Array<{ name: string; actionClass?: string; mode?: string; description?: string }>;
  neverActions?: string[];
  handOffs?: Array<{ name: string; to?: string; when?: string }>;
}
interface ApprovalPolicy {
  requireApprovalFor?: string[];
  minConfidence?: number;
  approverRole?: string;
}
type ExceptionPolicy = Record<string, { action?: string; maxAttempts?: number; handOffTo?: string }>;

const TITLES: Record<Point, string> = {
  outcome: '1. Operational outcome',
  boundary: '2. Boundary',
  approval_points: '3. Approval points',
  exception_paths: '4. Exception paths',
  named_owner: '5. Named owners',
};

const humanise = (s: string) => s.replace(/_/g, ' ');

function Missing({ items }: { readonly items: ClarityPointsProps['missing'] }) {
  if (items.length === 0) return <p className="wf-ok">✓ Set</p>;
  return (
    <ul className="wf-missing-list" aria-label="Missing">
      {items.map((m) => (
        <li key={m.item}>
          <span aria-hidden="true">✕ </span>
          {m.message}
        </li>
      ))}
    </ul>
  );
}

function PointCard({ point, missing, children }: { point: Point; missing: ClarityPointsProps['missing']; children: ReactNode }) {
  const items = missing.filter((m) => m.point === point);
  return (
    <section className="wf-point" aria-labelledby={`wf-point-${point}`} data-point={point}>
      <h3 id={`wf-point-${point}`}>{TITLES[point]}</h3>
      <Missing items={items} />
      {children}
    </section>
  );
}

/** The five things every workflow must make explicit (DESIGN.md), as the API checks them. */
export function ClarityPoints({ outcome, owners, definition, versionLabel, missing }: ClarityPointsProps) {
  const boundary = (definition?.boundary ?? null) as Boundary | null;
  const approvals = (definition?.approvalPolicy ?? null) as ApprovalPolicy | null;
  const exceptions = (definition?.exceptionPolicy ?? null) as ExceptionPolicy | null;
  const person = (p: Person | null) => (p ? `${p.name} (${p.email})` : 'Not named');
  return (
    <div>
      {versionLabel ? <p className="wf-muted">Boundary, approval points and exception paths as defined in {versionLabel}.</p> : null}
      <div className="wf-points">
        <PointCard point="outcome" missing={missing}>
          {outcome ? (
            <dl className="wf-dl">
              <dt>Statement</dt>
              <dd>{outcome.statement}</dd>
              <dt>Target metric</dt>
              <dd>{outcome.targetMetric}</dd>
            </dl>
          ) : (
            <p className="wf-missing">No outcome set.</p>
          )}
        </PointCard>
        <PointCard point="boundary" missing={missing}>
          {boundary ? (
            <dl className="wf-dl">
              <dt>Trigger</dt>
              <dd>{boundary.trigger ?? '—'}</dd>
              <dt>May take</dt>
              <dd>
                <ul>
                  {(boundary.allowedActions ?? []).map((a) => (
                    <li key={a.name}>
                      <code>{a.name}</code> — {humanise(a.actionClass ?? '')}, {a.mode === 'draft_only' ? 'draft only' : 'may execute'}
                    </li>
                  ))}
                </ul>
              </dd>
              <dt>Never</dt>
              <dd>{(boundary.neverActions ?? []).map((n) => <code key={n}>{n} </code>)}</dd>
              <dt>Hands off to</dt>
              <dd>
                <ul>
                  {(boundary.handOffs ?? []).map((h) => (
                    <li key={h.name}>
                      {h.to ?? h.name}: {h.when}
                    </li>
                  ))}
                </ul>
              </dd>
            </dl>
          ) : (
            <p className="wf-missing">No boundary defined.</p>
          )}
        </PointCard>
        <PointCard point="approval_points" missing={missing}>
          {approvals ? (
            <dl className="wf-dl">
              <dt>Human decision for</dt>
              <dd>{(approvals.requireApprovalFor ?? []).map(humanise).join(', ') || 'No action class'}</dd>
              <dt>Routed out below confidence</dt>
              <dd>{approvals.minConfidence ?? '—'}</dd>
              {approvals.approverRole ? (
                <>
                  <dt>Decided by role</dt>
                  <dd>{approvals.approverRole}</dd>
                </>
              ) : null}
            </dl>
          ) : (
            <p className="wf-missing">No approval policy.</p>
          )}
        </PointCard>
        <PointCard point="exception_paths" missing={missing}>
          {exceptions ? (
            <table className="wf-mini-table">
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Then</th>
                </tr>
              </thead>
              <tbody>
                {Object.entries(exceptions).map(([reason, path]) => (
                  <tr key={reason}>
                    <th scope="row">{humanise(reason)}</th>
                    <td>
                      {humanise(path.action ?? '')}
                      {path.maxAttempts ? ` (up to ${path.maxAttempts} attempts)` : ''}
                      {path.handOffTo ? ` to ${path.handOffTo}` : ''}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <p className="wf-missing">No exception policy.</p>
          )}
        </PointCard>
        <PointCard point="named_owner" missing={missing}>
          <dl className="wf-dl">
            <dt>Operational owner</dt>
            <dd>{person(owners.operationalOwner)}</dd>
            <dt>Change approver</dt>
            <dd>{person(owners.changeApprover)}</dd>
            <dt>Failure reviewer</dt>
            <dd>{person(owners.failureReviewer)}</dd>
          </dl>
        </PointCard>
      </div>
    </div>
  );
}
