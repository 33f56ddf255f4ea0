import { graphql } from '../../../gql/index.js';

export const CREATE_WEBHOOK_MUTATION = graphql(`
  mutation ConsoleCreateWebhookSubscription($key: String!, $url: String!, $types: [String!]!, $description: String) {
    createWebhookSubscription(workflowKey: $key, url: $url, eventTypes: $types, description: $description) {
      secret
      subscription {
        id
        url
      }
    }
  }
`);

export const SET_WEBHOOK_ENABLED_MUTATION = graphql(`
  mutation ConsoleSetWebhookEnabled($id: ID!, $enabled: Boolean!) {
    updateWebhookSubscription(id: $id, input: { enabled: $enabled }) {
      id
      enabled
    }
  }
`);

export const REPLAY_WEBHOOK_MUTATION = graphql(`
  mutation ConsoleReplayWebhookDelivery($id: ID!) {
    replayWebhookDelivery(deliveryId: $id) {
      id
      status
      series
    }
  }
`);
