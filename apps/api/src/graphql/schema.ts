import 'reflect-metadata';
import { isOperation } from '@gatehouse/domain';
import type { GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { ChallengerResolver, WorkflowChallengerResolver } from '../modules/challengers/challenger.resolver.js';
import { ApprovalDecisionRecordResolver, ApprovalResolver } from '../modules/approvals/approval.resolver.js';
import { AuditResolver } from '../modules/audit/audit.resolver.js';
import { ExceptionResolver } from '../modules/exceptions/exception.resolver.js';
import { HandOffResolver } from '../modules/hand-offs/hand-off.resolver.js';
import { CostAlertResolver } from '../modules/alerts/cost-alert.resolver.js';
import { DecisionRecordResolver } from '../modules/decision-records/decision-record.resolver.js';
import { RunReopenResolver } from '../modules/runs/run-reopen.resolver.js';
import { ApprovalRunbookResolver, ExceptionRunbookResolver, WorkflowVersionRunbookResolver } from '../modules/runbooks/runbook.resolver.js';
import { IdentityResolver } from '../modules/identity/identity.resolver.js';
import { WebhookDeliveryResolver, WebhookSubscriptionResolver } from '../modules/webhooks/webhook.resolver.js';
import { PrincipalResolver } from '../modules/identity/principal.resolver.js';
import { MetricsResolver } from '../modules/metrics/metrics.resolver.js';
import { RunResolver } from '../modules/runs/run.resolver.js';
import { EvaluationResolver, PromotionSignOffResolver, ReadinessAssessmentResolver } from '../modules/workflows/evaluation.resolver.js';
import { WorkflowResolver, WorkflowVersionResolver } from '../modules/workflows/workflow.resolver.js';
import { guardRootFields } from './root-guard.js';

export async function buildGatehouseSchema(): Promise<GraphQLSchema> {
  const schema = await buildSchema({
    resolvers: [WorkflowResolver, WorkflowChallengerResolver, ChallengerResolver, WorkflowVersionResolver, EvaluationResolver, ReadinessAssessmentResolver, PromotionSignOffResolver, RunResolver, ApprovalResolver, ApprovalDecisionRecordResolver, ExceptionResolver, HandOffResolver, AuditResolver, IdentityResolver, PrincipalResolver, MetricsResolver, CostAlertResolver, RunReopenResolver, DecisionRecordResolver, WorkflowVersionRunbookResolver, ExceptionRunbookResolver, ApprovalRunbookResolver, WebhookSubscriptionResolver, WebhookDeliveryResolver],
    validate: false,
  });
  assertEveryOperationHasARoleEntry(schema);
  return guardRootFields(schema);
}

/** Fail at start, not in production traffic, if a root field was added without a role entry. */
function assertEveryOperationHasARoleEntry(schema: GraphQLSchema): void {
  const missing: string[] = [];
  for (const type of [schema.getQueryType(), schema.getMutationType()]) {
    for (const name of Object.keys(type?.getFields() ?? {})) {
      if (!isOperation(name)) missing.push(`${type?.name}.${name}`);
    }
  }
  if (missing.length > 0) throw new Error(`Operations without an entry in OPERATION_ROLES: ${missing.join(', ')}`);
}
