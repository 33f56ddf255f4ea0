import { graphql } from '../../../gql/index.js';

/** Subscriptions the principal may see (every one for admins and owners, their own for integrators). */
export const WEBHOOK_SUBSCRIPTIONS_QUERY = graphql(`
  query ConsoleWebhookSubscriptions {
    webhookSubscriptions {
      id
      url
      eventTypes
      description
      enabled
      createdAt
      workflow {
        key
        name
      }
    }
  }
`);

/** The most recent deliveries with where each stands. */
export const WEBHOOK_DELIVERIES_QUERY = graphql(`
  query ConsoleWebhookDeliveries($first: Int) {
    webhookDeliveries(first: $first) {
      edges {
        node {
          id
          subscriptionId
          eventType
          runId
          status
          series
          attempts
          lastResponseStatus
          lastError
          nextAttemptAt
          createdAt
        }
      }
    }
  }
`);

/** Workflows to subscribe to. */
export const WEBHOOK_WORKFLOWS_QUERY = graphql(`
  query ConsoleWebhookWorkflows {
    workflows {
      key
      name
    }
  }
`);
