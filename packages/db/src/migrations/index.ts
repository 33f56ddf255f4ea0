import { InitialSchema1732579200000 } from './1732579200000-initial-schema.js';
import { Runner1732665600000 } from './1732665600000-runner.js';
import { AuditLockHead1732752000000 } from './1732752000000-audit-lock-head.js';
import { AuditPending1732838400000 } from './1732838400000-audit-pending.js';
import { Evaluation1732924800000 } from './1732924800000-evaluation.js';
import { OutcomeMetrics1733011200000 } from './1733011200000-outcome-metrics.js';
import { MetricsRollups1733097600000 } from './1733097600000-metrics-rollups.js';
import { AuditGrants1733184000000 } from './1733184000000-audit-grants.js';
import { Privacy1733270400000 } from './1733270400000-privacy.js';
import { Authentication1733356800000 } from './1733356800000-authentication.js';
import { Authorization1733443200000 } from './1733443200000-authorization.js';
import { Runbooks1733529600000 } from './1733529600000-runbooks.js';
import { Challengers1733616000000 } from './1733616000000-challengers.js';
import { Webhooks1733875200000 } from './1733875200000-webhooks.js';
import { RateLimits1734134400000 } from './1734134400000-rate-limits.js';
import { PrincipalEmails1734220800000 } from './1734220800000-principal-emails.js';

/** Every migration, oldest first. Append new ones; never edit or reorder landed ones. */
export const migrations = [InitialSchema1732579200000, Runner1732665600000, AuditLockHead1732752000000, AuditPending1732838400000, Evaluation1732924800000, OutcomeMetrics1733011200000, MetricsRollups1733097600000, AuditGrants1733184000000, Privacy1733270400000, Authentication1733356800000, Authorization1733443200000, Runbooks1733529600000, Challengers1733616000000, Webhooks1733875200000, RateLimits1734134400000, PrincipalEmails1734220800000];
