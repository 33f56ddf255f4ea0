import { useGraphQLQuery } from '../../../lib/graphql-hooks.js';
import { useCan } from '../../session/hooks/use-can.js';
import { RUN_AUDIT_QUERY } from '../api/run-audit.query.js';

/** Audit events shown in one run's timeline (the API's page maximum). */
export const RUN_AUDIT_LIMIT = 100;

/**
 * The run's audit events, for roles that may read the audit trail (an integrator may not: the
 * timeline then shows steps only, instead of a FORBIDDEN error).
 */
export function useRunAudit(runId: string) {
  const allowed = useCan('auditTrail');
  const query = useGraphQLQuery(RUN_AUDIT_QUERY, { subjectId: runId, first: RUN_AUDIT_LIMIT }, { enabled: allowed });
  return { allowed, query };
}
