import { Button } from '@gatehouse/ui';
import { useId } from 'react';
import type { ExceptionQueueOrder, ExceptionReason, ExceptionSlaState, AssigneeFilter } from '../../../gql/graphql.js';
import { useWorkflowOptions } from '../hooks/use-exception-queue.js';
import {
  AGE_OPTIONS,
  ASSIGNEE_OPTIONS,
  DEFAULT_FILTERS,
  type QueueFilters as Filters,
  REASONS,
  SLA_STATES,
  SORT_OPTIONS,
  isFiltered,
  reasonLabel,
} from '../lib/queue-filters.js';

export interface QueueFiltersProps {
  readonly filters: Filters;
  readonly onChange: (filters: Filters) => void;
}

/** Filter and sort controls; the page keeps their values in the URL. */
export function QueueFilters({ filters, onChange }: QueueFiltersProps) {
  const id = useId();
  const workflows = useWorkflowOptions();
  const set = (patch: Partial<Filters>) => onChange({ ...filters, ...patch });
  const workflowOptions = workflows.data?.workflows ?? [];
  // A bookmarked workflow that is not (yet) in the list still shows as selected.
  const knownWorkflow = filters.workflow === null || workflowOptions.some((w) => w.key === filters.workflow);

  return (
    <form className="exq-filters" aria-label="Filter the queue" onSubmit={(event) => event.preventDefault()}>
      <div className="exq-filters__field">
        <label htmlFor={`${id}-workflow`}>Workflow</label>
        <select id={`${id}-workflow`} value={filters.workflow ?? ''} onChange={(e) => set({ workflow: e.target.value || null })}>
          <option value="">All workflows</option>
          {workflowOptions.map((w) => (
            <option key={w.key} value={w.key}>
              {w.name}
            </option>
          ))}
          {knownWorkflow ? null : <option value={filters.workflow ?? ''}>{filters.workflow}</option>}
        </select>
      </div>
      <div className="exq-filters__field">
        <label htmlFor={`${id}-reason`}>Reason</label>
        <select id={`${id}-reason`} value={filters.reason ?? ''} onChange={(e) => set({ reason: (e.target.value || null) as ExceptionReason | null })}>
          <option value="">Any reason</option>
          {REASONS.map((r) => (
            <option key={r} value={r}>
              {reasonLabel(r)}
            </option>
          ))}
        </select>
      </div>
      <div className="exq-filters__field">
        <label htmlFor={`${id}-age`}>Age</label>
        <select id={`${id}-age`} value={filters.age ?? ''} onChange={(e) => set({ age: e.target.value ? Number(e.target.value) : null })}>
          <option value="">Any age</option>
          {AGE_OPTIONS.map((a) => (
            <option key={a.minutes} value={a.minutes}>
              {a.label}
            </option>
          ))}
          {filters.age !== null && !AGE_OPTIONS.some((a) => a.minutes === filters.age) ? (
            <option value={filters.age}>Older than {filters.age} min</option>
          ) : null}
        </select>
      </div>
      <div className="exq-filters__field">
        <label htmlFor={`${id}-sla`}>SLA</label>
        <select id={`${id}-sla`} value={filters.sla ?? ''} onChange={(e) => set({ sla: (e.target.value || null) as ExceptionSlaState | null })}>
          <option value="">Any SLA state</option>
          {SLA_STATES.map((s) => (
            <option key={s.value} value={s.value}>
              {s.label}
            </option>
          ))}
        </select>
      </div>
      <div className="exq-filters__field">
        <label htmlFor={`${id}-assignee`}>Assignee</label>
        <select id={`${id}-assignee`} value={filters.assignee} onChange={(e) => set({ assignee: e.target.value as AssigneeFilter })}>
          {ASSIGNEE_OPTIONS.map((a) => (
            <option key={a.value} value={a.value}>
              {a.label}
            </option>
          ))}
        </select>
      </div>
      <div className="exq-filters__field">
        <label htmlFor={`${id}-sort`}>Sort</label>
        <select id={`${id}-sort`} value={filters.sort} onChange={(e) => set({ sort: e.target.value as ExceptionQueueOrder })}>
          {SORT_OPTIONS.map((s) => (
            <option key={s.value} value={s.value}>
              {s.label}
            </option>
          ))}
        </select>
      </div>
      {isFiltered(filters) ? (
        <Button variant="secondary" className="exq-filters__clear" onClick={() => onChange({ ...DEFAULT_FILTERS, sort: filters.sort })}>
          Clear filters
        </Button>
      ) : null}
    </form>
  );
}
