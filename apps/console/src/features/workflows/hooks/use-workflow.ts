import { useGraphQLQuery } from '../../../lib/graphql-hooks.js';
import { PROMOTION_READINESS_QUERY, WORKFLOW_QUERY } from '../api/workflow.query.js';

export function useWorkflow(key: string) {
  return useGraphQLQuery(WORKFLOW_QUERY, { key });
}

type Stage = 'shadow' | 'draft' | 'execute';

/** Disabled without a target stage (already at execute: nothing to promote to). */
export function usePromotionReadiness(key: string, toStage: Stage | null) {
  return useGraphQLQuery(PROMOTION_READINESS_QUERY, { key, toStage: toStage ?? 'execute' }, { enabled: toStage !== null });
}
