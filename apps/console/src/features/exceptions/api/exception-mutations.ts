import { graphql } from '../../../gql/index.js';

export const CLAIM_EXCEPTION_MUTATION = graphql(`
  mutation ConsoleClaimException($id: ID!) {
    claimException(exceptionId: $id) {
      id
      status
      assignee {
        id
        name
      }
    }
  }
`);

export const RELEASE_EXCEPTION_MUTATION = graphql(`
  mutation ConsoleReleaseException($id: ID!) {
    releaseException(exceptionId: $id) {
      id
      status
    }
  }
`);

export const RESOLVE_EXCEPTION_MUTATION = graphql(`
  mutation ConsoleResolveException(
    $id: ID!
    $resolution: ExceptionResolution!
    $note: String!
    $output: JSON
    $handOffTo: String
  ) {
    resolveException(exceptionId: $id, resolution: $resolution, note: $note, output: $output, handOffTo: $handOffTo) {
      id
      status
      resolution
      run {
        id
        status
      }
    }
  }
`);
