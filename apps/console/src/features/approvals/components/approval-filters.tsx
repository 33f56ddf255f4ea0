import { useWorkflowOptions } from '../../runs/hooks/use-workflow-options.js';
import { APPROVAL_STATUS_OPTIONS, type ApprovalListFilter } from '../lib/approval-filters.js';

export interface ApprovalFiltersProps {
  readonly filter: ApprovalListFilter;
  readonly onChange: (filter: ApprovalListFilter) => void;
}

/** Status and workflow filters; each change applies at once. */
export function ApprovalFilters({ filter, onChange }: ApprovalFiltersProps) {
  const workflows = useWorkflowOptions();
  return (
    <div className="approvals-filters" role="group" aria-label="Filter approvals">
      <label>
        Status
        <select
          value={filter.status}
          onChange={(e) => onChange({ ...filter, status: e.target.value as ApprovalListFilter['status'] })}
        >
          {APPROVAL_STATUS_OPTIONS.map((s) => (
            <option key={s} value={s}>
              {s.charAt(0).toUpperCase() + s.slice(1)}
            </option>
          ))}
          <option value="all">Any status</option>
        </select>
      </label>
      <label>
        Workflow
        <select value={filter.workflow} onChange={(e) => onChange({ ...filter, workflow: e.target.value })}>
          <option value="">All workflows</option>
          {workflows.data?.workflows.map((w) => (
            <option key={w.key} value={w.key}>
              {w.name}
            </option>
          ))}
          {filter.workflow && !workflows.data?.workflows.some((w) => w.key === filter.workflow) ? (
            <option value={filter.workflow}>{filter.workflow}</option>
          ) : null}
        </select>
      </label>
    </div>
  );
}
