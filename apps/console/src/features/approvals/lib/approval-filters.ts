import type { ApprovalFilter, ApprovalStatus } from '../../../gql/graphql.js';

export const APPROVAL_STATUS_OPTIONS: readonly ApprovalStatus[] = ['pending', 'approved', 'rejected', 'cancelled'];

/** Inbox filters, kept in the address bar; the inbox shows pending approvals unless told otherwise. */
export interface ApprovalListFilter {
  readonly status: ApprovalStatus | 'all';
  readonly workflow: string;
}

export const APPROVALS_PAGE_SIZE = 50;

export function filterFromParams(params: URLSearchParams): ApprovalListFilter {
  const status = params.get('status');
  return {
    status: status === 'all' || (APPROVAL_STATUS_OPTIONS as readonly string[]).includes(status ?? '') ? (status as ApprovalListFilter['status']) : 'pending',
    workflow: params.get('workflow') ?? '',
  };
}

export function filterToParams(filter: ApprovalListFilter): URLSearchParams {
  const params = new URLSearchParams();
  if (filter.status !== 'pending') params.set('status', filter.status);
  if (filter.workflow) params.set('workflow', filter.workflow);
  return params;
}

export function approvalsVariables(filter: ApprovalListFilter, after: string | null): { filter: ApprovalFilter; first: number; after: string | null } {
  return {
    filter: {
      statuses: filter.status === 'all' ? [...APPROVAL_STATUS_OPTIONS] : [filter.status],
      ...(filter.workflow ? { workflowKey: filter.workflow } : {}),
    },
    first: APPROVALS_PAGE_SIZE,
    after,
  };
}
