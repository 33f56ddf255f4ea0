import { graphql } from '../../../gql/index.js';

/** Workflow keys and names for the run and approval filters. */
export const WORKFLOW_OPTIONS_QUERY = graphql(`
  query ConsoleRunWorkflowOptions {
    workflows {
      key
      name
    }
  }
`);
