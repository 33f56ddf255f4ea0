export * from './entities/index.js';
export { migrations } from './migrations/index.js';
export { APP_DATABASE_ROLE } from './app-role.js';
export { DERIVED_APP_LOGIN, derivedAppLoginUrl, prepareAppLogin, resolveAppLoginUrl, type PreparedAppLogin } from './app-login.js';
export {
  createDataSource,
  hasPendingMigrations,
  MIGRATIONS_TABLE,
  pgPoolOf,
  runMigrations,
  type DataSourceConfig,
  type RunMigrationsOptions,
} from './data-source.js';
export {
  DEFAULT_EMBEDDED_DATA_DIR,
  resolveDatabase,
  startEmbeddedPostgres,
  type DatabaseEnv,
  type EmbeddedPostgresOptions,
  type ResolvedDatabase,
  type RunningPostgres,
} from './embedded-postgres.js';
export {
  appendAuditEvent,
  appendAuditEvents,
  sealPendingAuditEvents,
  stageAuditEvents,
  stageAuditEventsFromSql,
  stagedAuditEvents,
  AUDIT_APPEND_LOCK_KEY,
  AUDIT_GENESIS_HASH,
  computeAuditHash,
  verifyAuditChain,
  type AppendAuditEventInput,
  type AuditChainBreak,
  type AuditChainVerification,
  type AuditEventBody,
} from './audit/audit-log.js';
export { exportAuditEvents, type AuditExportSummary, type ExportAuditEventsOptions, type ExportedAuditEvent } from './audit/audit-export.js';
export { enqueueOutbox, OUTBOX_CHANNEL, type EnqueueOutboxInput } from './outbox/outbox.js';
export * from './repositories/index.js';
export { findFreePort } from './free-port.js';
export { captureWebhookEvents, WEBHOOK_CHANNEL, type WebhookEventSource } from './webhooks/webhook-capture.js';
export { claimDueWebhookDeliveries, finishWebhookAttempt, INTERRUPTED_ATTEMPT_ERROR, type ClaimedWebhookDelivery, type WebhookAttemptResult } from './webhooks/webhook-dispatch-store.js';
export { fromWebhookSubscription, toWebhookSubscription } from './webhooks/webhook-subscription.mapper.js';
export { requeueWebhookDelivery } from './webhooks/webhook-replay.js';
export { apiKeyPrefix, DEVELOPMENT_KEY_PREFIX, generateApiKey, hashApiKey, legacySha256, verifyApiKey, type KeyHashScheme } from './credentials/api-key-secret.js';
export { API_KEY_COST, PASSWORD_COST, PUBLIC_SECRET_COST, scryptHash, scryptVerify, type ScryptCost } from './credentials/scrypt-hash.js';
