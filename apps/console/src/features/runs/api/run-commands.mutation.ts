import { graphql } from '../../../gql/index.js';

export const CANCEL_RUN_MUTATION = graphql(`
  mutation ConsoleCancelRun($runId: ID!, $reason: String!) {
    cancelRun(runId: $runId, reason: $reason) {
      id
      status
    }
  }
`);

export const REOPEN_RUN_MUTATION = graphql(`
  mutation ConsoleReopenRun($runId: ID!, $reason: String!) {
    reopenRun(runId: $runId, reason: $reason) {
      id
      status
    }
  }
`);
