import { graphql } from '../../../gql/index.js';

/** One workflow with everything its page shows: clarity points, owners, versions, rollout. */
export const WORKFLOW_QUERY = graphql(`
  query ConsoleWorkflow($key: String!) {
    workflow(key: $key) {
      id
      key
      name
      description
      rolloutStage
      paused
      pausedReason
      outcome {
        statement
        targetMetric
      }
      operationalOwner {
        id
        name
        email
      }
      changeApprover {
        id
        name
        email
      }
      failureReviewer {
        id
        name
        email
      }
      health {
        status
        windowHours
        finishedRuns
        failedRuns
        signals {
          kind
          severity
          count
          message
        }
      }
      readiness {
        ready
        metCount
        assessedAt
      }
      publishedVersion {
        version
      }
      versions {
        id
        version
        status
        definition
        changeNote
        createdAt
        approvedAt
        rejectedAt
        rejectionReason
        publishedAt
        author {
          id
          name
        }
        approvedBy {
          id
          name
        }
        publishedBy {
          id
          name
        }
        publishReadiness {
          ready
          missing {
            point
            item
            message
          }
        }
        runbook
        runbookCheck {
          complete
          missing {
            heading
            reason
            message
          }
        }
      }
    }
  }
`);

/** What a promotion to `toStage` still lacks, with the measured evidence, the sign-off and the latest readiness assessment. */
export const PROMOTION_READINESS_QUERY = graphql(`
  query ConsoleWorkflowPromotion($key: String!, $toStage: RolloutStage!) {
    workflow(key: $key) {
      key
      rolloutStage
      changeApprover {
        id
        name
      }
      promotionReadiness(toStage: $toStage) {
        from
        to
        allowed
        missing {
          check
          message
        }
        agreement {
          agreed
          sampleSize
          rate
          threshold
          minSampleSize
          meetsThreshold
        }
        signOffState
        signOff {
          id
          toStage
          note
          signedOffAt
          expiresAt
          consumedAt
          signedOffBy {
            id
            name
          }
        }
        readinessRequired
        readiness {
          id
          ready
          score
          metCount
          assessedAt
          assessedBy {
            id
            name
          }
          criteria {
            criterion
            met
            evidence
          }
        }
      }
    }
  }
`);
