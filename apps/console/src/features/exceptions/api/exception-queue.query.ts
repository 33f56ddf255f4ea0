import { graphql } from '../../../gql/index.js';

/** One page of the queue: only what the table shows, so a refresh every few seconds stays cheap. */
export const EXCEPTION_QUEUE_QUERY = graphql(`
  query ConsoleExceptionQueue($filter: ExceptionFilter, $first: Int, $orderBy: ExceptionQueueOrder) {
    exceptionQueue(filter: $filter, first: $first, orderBy: $orderBy) {
      edges {
        node {
          id
          reason
          status
          stepId
          createdAt
          dueAt
          slaState
          workflow {
            key
            name
          }
          run {
            id
            externalRef
          }
          assignee {
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

/** The workflows to filter by. */
export const EXCEPTION_WORKFLOW_OPTIONS_QUERY = graphql(`
  query ConsoleExceptionWorkflowOptions {
    workflows {
      key
      name
    }
  }
`);
