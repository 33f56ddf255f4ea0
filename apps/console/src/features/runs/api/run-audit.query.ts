import { graphql } from '../../../gql/index.js';

/** The run's audit events and those of its approvals and exceptions, oldest first. */
export const RUN_AUDIT_QUERY = graphql(`
  query ConsoleRunAudit($subjectId: String!, $first: Int) {
    auditTrail(subjectId: $subjectId, first: $first) {
      edges {
        node {
          id
          seq
          occurredAt
          action
          actorRole
          subjectType
          subjectId
          data
          actor {
            id
            name
          }
        }
      }
      pageInfo {
        hasNextPage
      }
    }
  }
`);
