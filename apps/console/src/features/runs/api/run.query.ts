import { graphql } from '../../../gql/index.js';

/** One run with its whole trace: every step attempt, its approvals and its exceptions. */
export const RUN_QUERY = graphql(`
  query ConsoleRun($id: ID!) {
    run(id: $id) {
      id
      status
      mode
      version
      externalRef
      idempotencyKey
      currentStepId
      cancelReason
      reopenCount
      reopenedAt
      payloadPurgedAt
      input
      output
      error
      createdAt
      startedAt
      finishedAt
      createdBy {
        id
        name
      }
      workflow {
        key
        name
      }
      steps {
        id
        stepId
        stepKind
        attempt
        status
        input
        output
        effectKey
        provider
        model
        promptVersion
        tokensIn
        tokensOut
        costUsd
        latencyMs
        confidence
        validation
        error
        startedAt
        finishedAt
        payloadPurgedAt
        redactions {
          total
          paths
          detectors {
            detector
            count
          }
        }
      }
      approvals {
        id
        stepId
        actionName
        actionClass
        status
        decision
        createdAt
        decidedAt
      }
      exceptions {
        id
        stepId
        reason
        status
        resolution
        createdAt
        resolvedAt
      }
    }
  }
`);
