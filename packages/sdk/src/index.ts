export { GatehouseClient, type GatehouseClientOptions, type RequestOptions, type TypedDocument } from './gatehouse-client.js';
export { GatehouseError, isGatehouseError, type GatehouseErrorCode, type GraphQLErrorPayload, type PublicErrorCode } from './gatehouse-error.js';
export { DEFAULT_RETRY, type RetryOptions } from './retry-policy.js';
export {
  isTerminalRun,
  NEEDS_PERSON_RUN_STATUSES,
  needsPerson,
  TERMINAL_RUN_STATUSES,
  waitForRun,
  type NeedsPersonRunStatus,
  type SettledRun,
  type SettledRunStatus,
  type StartRunAndWaitInput,
  type StartRunAndWaitResult,
  type TerminalRunStatus,
  type WaitForRunOptions,
} from './run-waiting.js';
export {
  DEFAULT_TOLERANCE_SECONDS,
  SIGNATURE_HEADER,
  signWebhookPayload,
  TIMESTAMP_HEADER,
  verifyWebhookSignature,
  webhookSignatureProblem,
  type VerifyWebhookSignatureInput,
  type WebhookHeaders,
  type WebhookSignatureProblem,
} from './webhook-signature.js';
export type {
  Approval,
  DecisionRecord,
  ExceptionItem,
  Run,
  RunPage,
  RunSummary,
  StartedRun,
  WebhookDelivery,
  WebhookDeliveryPage,
  WebhookSubscription,
  WebhookSubscriptionWithSecret,
  Workflow,
  WorkflowVersion,
} from './types.js';
/** Every schema type and the SDK's typed documents, for your own requests with `client.request`. */
export * from './gql/graphql.js';
