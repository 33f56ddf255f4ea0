import type {
  SdkDecideApprovalMutation,
  SdkDecisionRecordQuery,
  SdkResolveExceptionMutation,
  SdkRunQuery,
  SdkRunsQuery,
  SdkStartRunMutation,
  SdkWorkflowQuery,
  SdkWorkflowVersionFragment,
  SdkCreateWebhookSubscriptionMutation,
  SdkWebhookDeliveriesQuery,
  SdkWebhookDeliveryFragment,
  SdkWebhookSubscriptionFragment,
} from './gql/graphql.js';

/** A run with its trace: every step attempt, approval and exception. */
export type Run = SdkRunQuery['run'];
/** A run without its trace (what startRun, runs and polling return). */
export type RunSummary = SdkStartRunMutation['startRun']['run'];
export type StartedRun = SdkStartRunMutation['startRun'];
export type RunPage = SdkRunsQuery['runs'];
export type Workflow = SdkWorkflowQuery['workflow'];
export type WorkflowVersion = SdkWorkflowVersionFragment;
export type Approval = SdkDecideApprovalMutation['decideApproval'];
export type ExceptionItem = SdkResolveExceptionMutation['resolveException'];
export type DecisionRecord = SdkDecisionRecordQuery['decisionRecord'];
export type WebhookSubscription = SdkWebhookSubscriptionFragment;
/** A subscription with its signing secret: returned only when created or rotated. */
export type WebhookSubscriptionWithSecret = SdkCreateWebhookSubscriptionMutation['createWebhookSubscription'];
export type WebhookDelivery = SdkWebhookDeliveryFragment;
export type WebhookDeliveryPage = SdkWebhookDeliveriesQuery['webhookDeliveries'];
