import { graphql } from '../../../gql/index.js';

/** A run's decision record; every read is audited by the API as an export. */
export const DECISION_RECORD_QUERY = graphql(`
  query ConsoleDecisionRecord($runId: ID!) {
    decisionRecord(runId: $runId) {
      runId
      schemaVersion
      workflowKey
      version
      rolloutStage
      runStatus
      finalAction
      generatedAt
      document
    }
  }
`);
