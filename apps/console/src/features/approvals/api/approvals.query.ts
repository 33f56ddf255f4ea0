import { graphql } from '../../../gql/index.js';

/** The inbox list: newest first, pending unless other statuses are asked for. */
export const APPROVALS_QUERY = graphql(`
  query ConsoleApprovals($filter: ApprovalFilter, $first: Int, $after: String) {
    approvals(filter: $filter, first: $first, after: $after) {
      edges {
        node {
          id
          stepId
          actionName
          actionClass
          status
          decision
          createdAt
          dueAt
          decidedAt
          decisionBlockedReason
          workflow {
            key
            name
          }
          run {
            id
            externalRef
          }
          requestedBy {
            id
            name
          }
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);
