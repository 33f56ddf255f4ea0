import { graphql } from '../../../gql/index.js';

/* The evidence a promotion needs that people supply: the change approver's sign-off and the readiness assessment. */

export const SIGN_OFF_PROMOTION_MUTATION = graphql(`
  mutation ConsoleSignOffPromotion($key: String!, $toStage: RolloutStage!, $note: String!) {
    signOffPromotion(workflowKey: $key, toStage: $toStage, note: $note) {
      id
      toStage
      expiresAt
    }
  }
`);

export const ASSESS_READINESS_MUTATION = graphql(`
  mutation ConsoleAssessReadiness($key: String!, $input: ReadinessInput!) {
    assessReadiness(workflowKey: $key, input: $input) {
      id
      metCount
      ready
    }
  }
`);
