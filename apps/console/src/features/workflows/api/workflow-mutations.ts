import { graphql } from '../../../gql/index.js';

/* The owner actions on a workflow page. Each returns little: a success refetches every query. */

export const PROPOSE_VERSION_MUTATION = graphql(`
  mutation ConsoleProposeWorkflowVersion($key: String!, $definition: JSONObject!, $changeNote: String, $runbook: String) {
    proposeWorkflowVersion(workflowKey: $key, definition: $definition, changeNote: $changeNote, runbook: $runbook) {
      version
      status
    }
  }
`);

export const APPROVE_VERSION_MUTATION = graphql(`
  mutation ConsoleApproveWorkflowVersion($key: String!, $version: Int!, $note: String) {
    approveWorkflowVersion(workflowKey: $key, version: $version, note: $note) {
      version
      status
    }
  }
`);

export const REJECT_VERSION_MUTATION = graphql(`
  mutation ConsoleRejectWorkflowVersion($key: String!, $version: Int!, $reason: String!) {
    rejectWorkflowVersion(workflowKey: $key, version: $version, reason: $reason) {
      version
      status
    }
  }
`);

export const PUBLISH_VERSION_MUTATION = graphql(`
  mutation ConsolePublishWorkflowVersion($key: String!, $version: Int!) {
    publishWorkflowVersion(workflowKey: $key, version: $version) {
      key
      publishedVersion {
        version
      }
    }
  }
`);

export const ROLLBACK_MUTATION = graphql(`
  mutation ConsoleRollbackWorkflow($key: String!, $reason: String!, $toVersion: Int) {
    rollbackWorkflow(workflowKey: $key, reason: $reason, toVersion: $toVersion) {
      key
      publishedVersion {
        version
      }
    }
  }
`);

export const SET_STAGE_MUTATION = graphql(`
  mutation ConsoleSetRolloutStage($key: String!, $stage: RolloutStage!, $reason: String!) {
    setRolloutStage(workflowKey: $key, stage: $stage, reason: $reason) {
      key
      rolloutStage
    }
  }
`);

export const PAUSE_MUTATION = graphql(`
  mutation ConsolePauseWorkflow($key: String!, $reason: String!) {
    pauseWorkflow(workflowKey: $key, reason: $reason) {
      key
      paused
      pausedReason
    }
  }
`);

export const RESUME_MUTATION = graphql(`
  mutation ConsoleResumeWorkflow($key: String!, $reason: String) {
    resumeWorkflow(workflowKey: $key, reason: $reason) {
      key
      paused
    }
  }
`);
