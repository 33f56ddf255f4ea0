import { graphql } from '../../../gql/index.js';

/** The workflow list: who owns each, where it is in rollout, and whether it is fit to run. */
export const WORKFLOWS_QUERY = graphql(`
  query ConsoleWorkflows {
    workflows {
      key
      name
      rolloutStage
      paused
      pausedReason
      operationalOwner {
        id
        name
      }
      health {
        status
        windowHours
        finishedRuns
        signals {
          kind
          severity
          message
        }
      }
      readiness {
        ready
        metCount
        assessedAt
      }
    }
  }
`);
