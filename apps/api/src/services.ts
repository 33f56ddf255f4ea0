import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { AuditSealer } from './modules/audit/audit-sealer.js';
import { ApprovalService } from './modules/approvals/approval.service.js';
import { AuditService } from './modules/audit/audit.service.js';
import { ExceptionService } from './modules/exceptions/exception.service.js';
import { IdentityService } from './modules/identity/identity.service.js';
import { MetricsService } from './modules/metrics/metrics.service.js';
import { RunService } from './modules/runs/run.service.js';
import { WorkflowService } from './modules/workflows/workflow.service.js';

/** The application services, created once per process and shared by every request. */
export interface Services {
  workflows: WorkflowService;
  runs: RunService;
  approvals: ApprovalService;
  exceptions: ExceptionService;
  audit: AuditService;
  identity: IdentityService;
  metrics: MetricsService;
  auditSealer: AuditSealer;
}

export function createServices(ds: DataSource, logger: Pick<Logger, 'warn'>): Services {
  const auditSealer = new AuditSealer(ds, logger);
  return {
    auditSealer,
    workflows: new WorkflowService(ds),
    runs: new RunService(ds, auditSealer),
    approvals: new ApprovalService(ds),
    exceptions: new ExceptionService(ds),
    audit: new AuditService(ds, auditSealer),
    identity: new IdentityService(ds),
    metrics: new MetricsService(ds),
  };
}
