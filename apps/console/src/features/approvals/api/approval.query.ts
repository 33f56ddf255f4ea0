import { graphql } from '../../../gql/index.js';

/** One approval with everything a reviewer needs to decide it. */
export const APPROVAL_QUERY = graphql(`
  query ConsoleApproval($id: ID!) {
    approval(id: $id) {
      id
      runId
      stepId
      actionName
      actionClass
      requiredRole
      status
      decision
      proposed
      edited
      diff
      reason
      dueAt
      createdAt
      decidedAt
      decisionBlockedReason
      runbookSection {
        heading
        markdown
      }
      requiredApprovals
      approvalCount
      decisions {
        id
        round
        decision
        reason
        decidedAt
        decidedBy {
          id
          name
        }
      }
      workflow {
        key
        name
      }
      run {
        id
        externalRef
        status
        mode
        input
      }
      requestedBy {
        id
        name
      }
      decidedBy {
        id
        name
      }
    }
  }
`);
