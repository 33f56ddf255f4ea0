import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { principalOf } from '../../graphql/authorize.js';
import type { Connection } from '../../graphql/connection.js';
import type { GraphQLContext } from '../../graphql/context.js';
import { WorkflowType } from '../workflows/workflow.types.js';
import type { SubscriptionWithSecret, WebhookDeliveryView } from './webhook.service.js';
import { UpdateWebhookSubscriptionInput, WebhookDeliveryConnection, WebhookDeliveryType, WebhookSubscriptionType, WebhookSubscriptionWithSecretType } from './webhook.types.js';

@Resolver(() => WebhookSubscriptionType)
export class WebhookSubscriptionResolver {
  @Query(() => [WebhookSubscriptionType], { description: 'Webhook subscriptions, oldest first: every one for admins and owners, their own for integrators. A workflow-scoped key must name its workflow.' })
  webhookSubscriptions(@Arg('workflowKey', () => String, { nullable: true }) workflowKey: string | null, @Ctx() ctx: GraphQLContext) {
    return ctx.services.webhooks.list(principalOf(ctx), workflowKey);
  }

  @Mutation(() => WebhookSubscriptionWithSecretType, { description: 'Register an endpoint for some of a workflow’s event types. Returns the signing secret once. Audited.' })
  createWebhookSubscription(
    @Arg('workflowKey', () => String) workflowKey: string,
    @Arg('url', () => String) url: string,
    @Arg('eventTypes', () => [String]) eventTypes: string[],
    @Arg('description', () => String, { nullable: true }) description: string | null,
    @Ctx() ctx: GraphQLContext,
  ): Promise<SubscriptionWithSecret> {
    return ctx.services.webhooks.create(principalOf(ctx), { workflowKey, url, eventTypes, description });
  }

  @Mutation(() => WebhookSubscriptionType, { description: 'Enable or disable a subscription, or change its event types, URL or description. Audited.' })
  updateWebhookSubscription(@Arg('id', () => ID) id: string, @Arg('input', () => UpdateWebhookSubscriptionInput) input: UpdateWebhookSubscriptionInput, @Ctx() ctx: GraphQLContext) {
    return ctx.services.webhooks.update(principalOf(ctx), id, input);
  }

  @Mutation(() => ID, { description: 'Delete a subscription and its deliveries; returns its id. Audited.' })
  deleteWebhookSubscription(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<string> {
    return ctx.services.webhooks.delete(principalOf(ctx), id);
  }

  @Mutation(() => WebhookSubscriptionWithSecretType, { description: 'Replace the signing secret; the new one is returned once and signs from now on. Audited.' })
  rotateWebhookSecret(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<SubscriptionWithSecret> {
    return ctx.services.webhooks.rotateSecret(principalOf(ctx), id);
  }

  @FieldResolver(() => WorkflowType)
  workflow(@Root() s: WebhookSubscriptionType, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.workflow.load(s.workflowId);
  }
}

@Resolver(() => WebhookDeliveryType)
export class WebhookDeliveryResolver {
  @Query(() => WebhookDeliveryConnection, { description: 'Webhook deliveries, newest first, with every attempt. first ≤ 100. A workflow-scoped key must name a subscription.' })
  webhookDeliveries(
    @Arg('subscriptionId', () => ID, { nullable: true }) subscriptionId: string | null,
    @Arg('status', () => String, { nullable: true, description: 'pending, succeeded or failed' }) status: string | null,
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: GraphQLContext,
  ): Promise<Connection<WebhookDeliveryView>> {
    return ctx.services.webhooks.deliveries(principalOf(ctx), { subscriptionId, status }, first, after);
  }

  @Mutation(() => WebhookDeliveryType, { description: 'Send a finished delivery again as a new series of attempts (same delivery id and body). Audited.' })
  replayWebhookDelivery(@Arg('deliveryId', () => ID) deliveryId: string, @Ctx() ctx: GraphQLContext): Promise<WebhookDeliveryView> {
    return ctx.services.webhooks.replay(principalOf(ctx), deliveryId);
  }
}
