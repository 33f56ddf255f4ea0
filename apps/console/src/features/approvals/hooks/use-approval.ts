import { useGraphQLQuery } from '../../../lib/graphql-hooks.js';
import { APPROVAL_QUERY } from '../api/approval.query.js';

export function useApproval(approvalId: string) {
  return useGraphQLQuery(APPROVAL_QUERY, { id: approvalId });
}
