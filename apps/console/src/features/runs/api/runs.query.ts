import { graphql } from '../../../gql/index.js';

/** The run explorer's page of runs (newest first). */
export const RUNS_QUERY = graphql(`
  query ConsoleRuns($filter: RunFilter, $first: Int, $after: String) {
    runs(filter: $filter, first: $first, after: $after) {
      edges {
        cursor
        node {
          id
          externalRef
          status
          mode
          createdAt
          startedAt
          finishedAt
          version
          workflow {
            key
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
