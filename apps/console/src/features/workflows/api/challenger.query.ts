import { graphql } from '../../../gql/index.js';

/** The workflow's challenger beside its champion, and what an owner needs to attach one. */
export const CHALLENGER_QUERY = graphql(`
  query ConsoleWorkflowChallenger($key: String!) {
    workflow(key: $key) {
      key
      paused
      publishedVersion {
        version
      }
      versions {
        id
        version
        status
        changeNote
      }
      challenger {
        sharePercent
        changes
        attachedAt
        attachedBy {
          name
        }
        version {
          version
          changeNote
        }
        comparison {
          pairs
          finished
          vsChampion {
            agreed
            sampleSize
            rate
          }
          vsHuman {
            agreed
            sampleSize
            rate
          }
          gate {
            agreed
            sampleSize
            rate
            threshold
            minSampleSize
            meetsThreshold
          }
          champion {
            runs
            failed
            costPerRunUsd
            latencyP50Ms
            latencyP95Ms
          }
          challenger {
            runs
            failed
            costPerRunUsd
            latencyP50Ms
            latencyP95Ms
          }
        }
      }
    }
  }
`);

export const ATTACH_CHALLENGER_MUTATION = graphql(`
  mutation ConsoleAttachChallenger($key: String!, $version: Int!, $sharePercent: Float!) {
    attachChallenger(workflowKey: $key, version: $version, sharePercent: $sharePercent) {
      key
    }
  }
`);

export const DETACH_CHALLENGER_MUTATION = graphql(`
  mutation ConsoleDetachChallenger($key: String!, $reason: String!) {
    detachChallenger(workflowKey: $key, reason: $reason) {
      key
    }
  }
`);

/** The switch is a normal publish of the challenger's version; an admin may override the agreement gate. */
export const SWITCH_TO_CHALLENGER_MUTATION = graphql(`
  mutation ConsoleSwitchToChallenger($key: String!, $version: Int!, $overrideReason: String) {
    publishWorkflowVersion(workflowKey: $key, version: $version, overrideReason: $overrideReason) {
      key
    }
  }
`);
