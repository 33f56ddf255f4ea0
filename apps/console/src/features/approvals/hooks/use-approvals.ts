import { keepPreviousData } from '@tanstack/react-query';
import { useGraphQLQuery } from '../../../lib/graphql-hooks.js';
import { APPROVALS_QUERY } from '../api/approvals.query.js';
import { type ApprovalListFilter, approvalsVariables } from '../lib/approval-filters.js';

/** The inbox; refreshed every 15 s so new requests appear without reloading. */
export function useApprovals(filter: ApprovalListFilter, after: string | null) {
  return useGraphQLQuery(APPROVALS_QUERY, approvalsVariables(filter, after), {
    placeholderData: keepPreviousData,
    refetchInterval: 15_000,
  });
}
