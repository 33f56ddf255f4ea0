import { Button, runStatusLabel } from '@gatehouse/ui';
import { type FormEvent, useState } from 'react';
import { useWorkflowOptions } from '../hooks/use-workflow-options.js';
import { RUN_STATUS_OPTIONS, type RunSearch } from '../lib/run-search.js';

export interface RunSearchFormProps {
  readonly initial: RunSearch;
  readonly onSearch: (search: RunSearch) => void;
}

/** Run id or external reference, status and workflow; submitting runs the search. */
export function RunSearchForm({ initial, onSearch }: RunSearchFormProps) {
  const [ref, setRef] = useState(initial.ref);
  const [status, setStatus] = useState<RunSearch['status']>(initial.status);
  const [workflow, setWorkflow] = useState(initial.workflow);
  const workflows = useWorkflowOptions();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSearch({ ref, status, workflow });
  };
  const clear = () => {
    setRef('');
    setStatus('');
    setWorkflow('');
    onSearch({ ref: '', status: '', workflow: '' });
  };

  return (
    <form role="search" aria-label="Search runs" className="runs-search" onSubmit={submit}>
      <div className="runs-search__field runs-search__field--wide">
        <label htmlFor="runs-search-ref">Run id or external reference</label>
        <input
          id="runs-search-ref"
          type="search"
          value={ref}
          placeholder="e.g. T-1002 or a run id"
          onChange={(e) => setRef(e.target.value)}
          autoComplete="off"
        />
      </div>
      <div className="runs-search__field">
        <label htmlFor="runs-search-status">Status</label>
        <select id="runs-search-status" value={status} onChange={(e) => setStatus(e.target.value as RunSearch['status'])}>
          <option value="">Any status</option>
          {RUN_STATUS_OPTIONS.map((s) => (
            <option key={s} value={s}>
              {runStatusLabel(s)}
            </option>
          ))}
        </select>
      </div>
      <div className="runs-search__field">
        <label htmlFor="runs-search-workflow">Workflow</label>
        <select id="runs-search-workflow" value={workflow} onChange={(e) => setWorkflow(e.target.value)}>
          <option value="">All workflows</option>
          {workflows.data?.workflows.map((w) => (
            <option key={w.key} value={w.key}>
              {w.name}
            </option>
          ))}
          {/* Keep a workflow from the address bar selectable before the list has loaded. */}
          {workflow && !workflows.data?.workflows.some((w) => w.key === workflow) ? (
            <option value={workflow}>{workflow}</option>
          ) : null}
        </select>
      </div>
      <div className="runs-search__buttons">
        <Button type="submit" variant="primary">
          Search
        </Button>
        <Button onClick={clear}>Clear</Button>
      </div>
    </form>
  );
}
