import { graphql } from '../../../gql/index.js';

export const WORKFLOWS_QUERY = graphql(`
  query ConsoleWorkflows {
    workflows {
      key
      name
      rolloutStage
      paused
    }
  }
`);
