import { ApiKeyEntity } from './api-key.entity.js';
import { ApprovalDecisionEntity } from './approval-decision.entity.js';
import { ApprovalEntity } from './approval.entity.js';
import { AuditEventEntity } from './audit-event.entity.js';
import { AuditPendingEntity } from './audit-pending.entity.js';
import { CostAlertEntity } from './cost-alert.entity.js';
import { DeadLetterEntity } from './dead-letter.entity.js';
import { ExceptionItemEntity } from './exception-item.entity.js';
import { HandOffEntity } from './hand-off.entity.js';
import { OutboxEntity } from './outbox.entity.js';
import { ParkedDispatchEntity } from './parked-dispatch.entity.js';
import { PrincipalEntity } from './principal.entity.js';
import { PromotionSignOffEntity } from './promotion-signoff.entity.js';
import { ReadinessAssessmentEntity } from './readiness-assessment.entity.js';
import { RunEntity } from './run.entity.js';
import { SessionEntity } from './session.entity.js';
import { ShadowOutcomeEntity } from './shadow-outcome.entity.js';
import { StepAttemptEntity } from './step-attempt.entity.js';
import { WorkflowReviewerEntity } from './workflow-reviewer.entity.js';
import { WorkflowVersionEntity } from './workflow-version.entity.js';
import { WorkflowEntity } from './workflow.entity.js';
import { WebhookDeliveryAttemptEntity } from './webhook-delivery-attempt.entity.js';
import { WebhookDeliveryEntity } from './webhook-delivery.entity.js';
import { WebhookSubscriptionEntity } from './webhook-subscription.entity.js';

export {
  ApiKeyEntity,
  ApprovalDecisionEntity,
  ApprovalEntity,
  AuditEventEntity,
  AuditPendingEntity,
  CostAlertEntity,
  DeadLetterEntity,
  ExceptionItemEntity,
  HandOffEntity,
  OutboxEntity,
  ParkedDispatchEntity,
  PrincipalEntity,
  PromotionSignOffEntity,
  ReadinessAssessmentEntity,
  RunEntity,
  SessionEntity,
  ShadowOutcomeEntity,
  StepAttemptEntity,
  WorkflowEntity,
  WorkflowReviewerEntity,
  WorkflowVersionEntity,
  WebhookSubscriptionEntity,
  WebhookDeliveryEntity,
  WebhookDeliveryAttemptEntity,
};
export { bigintToNumber, numericToNumber } from './column-transformers.js';

/**
 * Every table, one entity each. Entities describe columns only (plain persistence records);
 * constraints, indexes and foreign keys live in the migrations, which are the schema.
 */
export const entities = [
  PrincipalEntity,
  ApiKeyEntity,
  WorkflowEntity,
  WorkflowVersionEntity,
  RunEntity,
  StepAttemptEntity,
  ApprovalEntity,
  ApprovalDecisionEntity,
  WorkflowReviewerEntity,
  ExceptionItemEntity,
  ShadowOutcomeEntity,
  AuditEventEntity,
  AuditPendingEntity,
  OutboxEntity,
  DeadLetterEntity,
  ParkedDispatchEntity,
  HandOffEntity,
  CostAlertEntity,
  ReadinessAssessmentEntity,
  PromotionSignOffEntity,
  SessionEntity,
  WebhookSubscriptionEntity,
  WebhookDeliveryEntity,
  WebhookDeliveryAttemptEntity,
];
