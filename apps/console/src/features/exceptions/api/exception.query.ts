import { graphql } from '../../../gql/index.js';

/** One item for the detail pane: the run's trace, the failing step and the output schema for the editor. */
export const EXCEPTION_QUERY = graphql(`
  query ConsoleException($id: ID!) {
    exception(id: $id) {
      id
      reason
      status
      stepId
      details
      createdAt
      claimedAt
      dueAt
      slaState
      stepOutputSchema
      runbookSection {
        heading
        markdown
      }
      resolution
      resolutionNote
      resolutionOutput
      handOffTo
      resolvedAt
      resolvedBy {
        id
        name
      }
      assignee {
        id
        name
        email
      }
      workflow {
        key
        name
      }
      run {
        id
        status
        externalRef
        version
        input
        steps {
          id
          stepId
          stepKind
          attempt
          status
          input
          output
          error
          confidence
          latencyMs
          startedAt
        }
      }
    }
  }
`);
