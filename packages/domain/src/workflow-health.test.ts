import { describe, expect, it } from 'vitest';
import { assessWorkflowHealth, type WorkflowHealthInput } from './workflow-health.js';

const QUIET: WorkflowHealthInput = { paused: false, openExceptions: 0, overdueExceptions: 0, overdueApprovals: 0, openCostAlerts: 0, finishedRuns: 10, failedRuns: 0 };

describe('assessWorkflowHealth', () => {
  it('is healthy with nothing waiting, overdue or failing', () => {
    expect(assessWorkflowHealth(QUIET)).toEqual({ status: 'healthy', signals: [], windowHours: 24, finishedRuns: 10, failedRuns: 0 });
  });

  it('needs attention for exceptions within SLA, an open cost alert or a single failure', () => {
    expect(assessWorkflowHealth({ ...QUIET, openExceptions: 2 }).signals).toEqual([
      { kind: 'open_exceptions', severity: 'attention', count: 2, message: '2 exceptions wait in the queue within SLA.' },
    ]);
    expect(assessWorkflowHealth({ ...QUIET, openCostAlerts: 1 }).status).toBe('attention');
    const failed = assessWorkflowHealth({ ...QUIET, failedRuns: 1 });
    expect(failed.status).toBe('attention');
    expect(failed.signals[0]!.kind).toBe('failed_runs');
  });

  it('is critical when an SLA is breached now; overdue exceptions are not counted twice', () => {
    const health = assessWorkflowHealth({ ...QUIET, openExceptions: 3, overdueExceptions: 1, overdueApprovals: 2 });
    expect(health.status).toBe('critical');
    expect(health.signals.map((s) => [s.kind, s.count])).toEqual([
      ['sla_breached', 3],
      ['open_exceptions', 2],
    ]);
  });

  it('is critical at a 20% error rate only with at least 5 finished runs', () => {
    expect(assessWorkflowHealth({ ...QUIET, finishedRuns: 5, failedRuns: 1 }).status).toBe('critical');
    expect(assessWorkflowHealth({ ...QUIET, finishedRuns: 6, failedRuns: 1 }).status).toBe('attention');
    // Too few runs to call a rate: 2 of 4 failing is attention, not critical.
    expect(assessWorkflowHealth({ ...QUIET, finishedRuns: 4, failedRuns: 2 }).status).toBe('attention');
  });

  it('paused outranks everything, and the other signals stay listed', () => {
    const health = assessWorkflowHealth({ ...QUIET, paused: true, overdueApprovals: 1 });
    expect(health.status).toBe('paused');
    expect(health.signals.map((s) => s.kind)).toEqual(['paused', 'sla_breached']);
  });
});
