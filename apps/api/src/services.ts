import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { AuditSealer } from './modules/audit/audit-sealer.js';
import { ApprovalService } from './modules/approvals/approval.service.js';
import { AuditService } from './modules/audit/audit.service.js';
import { ExceptionService } from './modules/exceptions/exception.service.js';
import { HandOffService } from './modules/hand-offs/hand-off.service.js';
import { CostAlertService } from './modules/alerts/cost-alert.service.js';
import { DecisionRecordService } from './modules/decision-records/decision-record.service.js';
import { ChallengerService } from './modules/challengers/challenger.service.js';
import { RunReopenService } from './modules/runs/run-reopen.service.js';
import { IdentityService } from './modules/identity/identity.service.js';
import { PrincipalService } from './modules/identity/principal.service.js';
import { MetricsService } from './modules/metrics/metrics.service.js';
import { RunService } from './modules/runs/run.service.js';
import { EvaluationService } from './modules/workflows/evaluation.service.js';
import { WorkflowService } from './modules/workflows/workflow.service.js';
import { WebhookService } from './modules/webhooks/webhook.service.js';
import type { WebhookTargetPolicy } from '@gatehouse/domain';

/** The application services, created once per process and shared by every request. */
export interface Services {
  workflows: WorkflowService;
  evaluation: EvaluationService;
  challengers: ChallengerService;
  runs: RunService;
  approvals: ApprovalService;
  exceptions: ExceptionService;
  handOffs: HandOffService;
  costAlerts: CostAlertService;
  runReopen: RunReopenService;
  decisionRecords: DecisionRecordService;
  audit: AuditService;
  identity: IdentityService;
  principals: PrincipalService;
  metrics: MetricsService;
  auditSealer: AuditSealer;
  webhooks: WebhookService;
}

export function createServices(ds: DataSource, logger: Pick<Logger, 'warn'>, webhookTargets: WebhookTargetPolicy = { allowPrivate: true }): Services {
  const auditSealer = new AuditSealer(ds, logger);
  return {
    auditSealer,
    workflows: new WorkflowService(ds),
    evaluation: new EvaluationService(ds),
    challengers: new ChallengerService(ds),
    runs: new RunService(ds, auditSealer),
    approvals: new ApprovalService(ds),
    exceptions: new ExceptionService(ds),
    handOffs: new HandOffService(ds),
    costAlerts: new CostAlertService(ds),
    runReopen: new RunReopenService(ds),
    decisionRecords: new DecisionRecordService(ds, auditSealer),
    audit: new AuditService(ds, auditSealer),
    identity: new IdentityService(ds),
    principals: new PrincipalService(ds),
    metrics: new MetricsService(ds),
    webhooks: new WebhookService(ds, webhookTargets),
  };
}
