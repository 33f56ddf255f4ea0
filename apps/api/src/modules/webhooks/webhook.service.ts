import { fromWebhookSubscription, inTransaction, isUuid, loadWorkflow, recordEvents, requeueWebhookDelivery, toWebhookSubscription, WebhookSubscriptionEntity, type Tx } from '@gatehouse/db';
import {
  assertManagesWebhookSubscription,
  createWebhookSubscription,
  deleteWebhookSubscription,
  DomainError,
  rotateWebhookSecret,
  updateWebhookSubscription,
  WEBHOOK_DELIVERY_STATUSES,
  type Actor,
  type UpdateWebhookSubscriptionInput,
  type WebhookDeliveryStatus,
  type WebhookSubscription,
  type WebhookTargetPolicy,
} from '@gatehouse/domain';
import { randomBytes, randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { decodeCursor, encodeCursor, pageSize, toConnection, type Connection } from '../../graphql/connection.js';
import { assertAllowedWebhookTarget } from './webhook-target-check.js';

export interface WebhookDeliveryAttemptView {
  series: number;
  attempt: number;
  startedAt: Date;
  finishedAt: Date | null;
  responseStatus: number | null;
  responseBody: string | null;
  latencyMs: number | null;
  error: string | null;
}

export interface WebhookDeliveryView {
  id: string;
  subscriptionId: string;
  workflowId: string;
  eventId: string;
  eventType: string;
  runId: string | null;
  payload: Record<string, unknown>;
  status: WebhookDeliveryStatus;
  series: number;
  attempts: number;
  nextAttemptAt: Date | null;
  lastResponseStatus: number | null;
  lastError: string | null;
  createdAt: Date;
  updatedAt: Date;
  attemptLog: WebhookDeliveryAttemptView[];
  cursorAt: string;
}

export interface SubscriptionWithSecret {
  subscription: WebhookSubscription;
  secret: string;
}

/** `whsec_` + 32 random bytes: 256 bits, shown to the integrator once (create, rotate). */
function newSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

const seesAll = (actor: Actor) => actor.role === 'admin' || actor.role === 'owner';

export class WebhookService {
  constructor(
    private readonly ds: DataSource,
    private readonly targets: WebhookTargetPolicy,
  ) {}

  /** Admins and owners see every subscription; integrators the ones they registered. */
  async list(actor: Actor, workflowKey: string | null): Promise<WebhookSubscription[]> {
    const qb = this.ds.getRepository(WebhookSubscriptionEntity).createQueryBuilder('s');
    if (workflowKey != null) qb.andWhere('s.workflow_id = :wid', { wid: (await loadWorkflow(this.ds.manager, workflowKey)).id });
    if (!seesAll(actor)) qb.andWhere('s.created_by = :me', { me: actor.id });
    const rows = await qb.orderBy('s.created_at', 'ASC').addOrderBy('s.id', 'ASC').getMany();
    return rows.map(toWebhookSubscription);
  }

  async create(actor: Actor, input: { workflowKey: string; url: string; eventTypes: string[]; description: string | null }): Promise<SubscriptionWithSecret> {
    const workflow = await loadWorkflow(this.ds.manager, input.workflowKey);
    await assertAllowedWebhookTarget(input.url, this.targets);
    return inTransaction(this.ds, async (tx) => {
      // Two creates for one workflow take turns, so they cannot both pass the per-workflow limit
      // (NO KEY UPDATE: the runner's key-share locks on the row do not wait for it).
      await tx.query(`SELECT 1 FROM workflows WHERE id = $1 FOR NO KEY UPDATE`, [workflow.id]);
      const [{ n }] = (await tx.query(`SELECT count(*)::int AS n FROM webhook_subscriptions WHERE workflow_id = $1`, [workflow.id])) as [{ n: number }];
      const secret = newSecret();
      const { state, events } = createWebhookSubscription(
        { id: randomUUID(), workflow: { id: workflow.id, key: workflow.key }, url: input.url, eventTypes: input.eventTypes, description: input.description, secret, existingCount: n },
        this.targets,
        actor,
        new Date(),
      );
      await tx.insert(WebhookSubscriptionEntity, fromWebhookSubscription(state));
      await recordEvents(tx, actor, events);
      return { subscription: state, secret };
    });
  }

  async update(actor: Actor, id: string, change: UpdateWebhookSubscriptionInput): Promise<WebhookSubscription> {
    if (change.url != null) await assertAllowedWebhookTarget(change.url, this.targets);
    return this.change(actor, id, async (tx, current) => {
      const { state, events } = updateWebhookSubscription(current, change, this.targets, new Date());
      if (events.length === 0) return current;
      await tx.save(WebhookSubscriptionEntity, fromWebhookSubscription(state));
      await recordEvents(tx, actor, events);
      return state;
    });
  }

  rotateSecret(actor: Actor, id: string): Promise<SubscriptionWithSecret> {
    return this.change(actor, id, async (tx, current) => {
      const secret = newSecret();
      const { state, events } = rotateWebhookSecret(current, secret, new Date());
      await tx.save(WebhookSubscriptionEntity, fromWebhookSubscription(state));
      await recordEvents(tx, actor, events);
      return { subscription: state, secret };
    });
  }

  /** Deletes the subscription and its deliveries (pending ones are not sent any more). */
  delete(actor: Actor, id: string): Promise<string> {
    return this.change(actor, id, async (tx, current) => {
      const { events } = deleteWebhookSubscription(current);
      await tx.delete(WebhookSubscriptionEntity, { id: current.id });
      await recordEvents(tx, actor, events);
      return current.id;
    });
  }

  /** Newest first; without a subscription: every delivery the caller may see. */
  async deliveries(
    actor: Actor,
    filter: { subscriptionId: string | null; status: string | null },
    first: number | null | undefined,
    after: string | null | undefined,
  ): Promise<Connection<WebhookDeliveryView>> {
    const limit = pageSize(first);
    const cursor = decodeCursor(after);
    const subscriptionId = filter.subscriptionId ?? null;
    const status = filter.status ?? null;
    if (status !== null && !(WEBHOOK_DELIVERY_STATUSES as readonly string[]).includes(status)) {
      throw new DomainError('invalid_input', `status must be one of ${WEBHOOK_DELIVERY_STATUSES.join(', ')}.`, { field: 'status' });
    }
    const where: string[] = [];
    const params: unknown[] = [];
    const param = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    if (subscriptionId !== null) {
      const subscription = await this.load(this.ds.manager, subscriptionId);
      assertManagesWebhookSubscription(actor, subscription);
      where.push(`d.subscription_id = ${param(subscription.id)}`);
    } else if (!seesAll(actor)) {
      where.push(`s.created_by = ${param(actor.id)}`);
    }
    if (status) where.push(`d.status = ${param(status)}`);
    if (cursor) where.push(`(d.created_at, d.id) < (${param(cursor.sortValue)}::timestamptz, ${param(cursor.id)}::uuid)`);
    const rows = (await this.ds.query(
      `SELECT d.id::text AS id, d.subscription_id::text AS subscription_id, d.workflow_id::text AS workflow_id, d.event_id::text AS event_id,
              d.event_type, d.run_id::text AS run_id, d.payload, d.status, d.series, d.attempts, d.next_attempt_at, d.last_response_status,
              d.last_error, d.created_at, d.updated_at,
              to_char(d.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_at
         FROM webhook_deliveries d JOIN webhook_subscriptions s ON s.id = d.subscription_id
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY d.created_at DESC, d.id DESC
        LIMIT ${param(limit + 1)}`,
      params,
    )) as DeliveryRow[];
    const attempts = await this.attemptsOf(rows.map((r) => r.id));
    const views = rows.map((r) => toView(r, attempts.get(r.id) ?? []));
    return toConnection(views, limit, (d) => encodeCursor(d.cursorAt, d.id));
  }

  async replay(actor: Actor, deliveryId: string): Promise<WebhookDeliveryView> {
    if (!isUuid(deliveryId)) throw new DomainError('not_found', `No webhook delivery ${deliveryId}.`, { deliveryId });
    await inTransaction(this.ds, (tx) => requeueWebhookDelivery(tx, deliveryId, actor, new Date()));
    const [row] = (await this.ds.query(
      `SELECT d.id::text AS id, d.subscription_id::text AS subscription_id, d.workflow_id::text AS workflow_id, d.event_id::text AS event_id,
              d.event_type, d.run_id::text AS run_id, d.payload, d.status, d.series, d.attempts, d.next_attempt_at, d.last_response_status,
              d.last_error, d.created_at, d.updated_at, '' AS cursor_at
         FROM webhook_deliveries d WHERE d.id = $1`,
      [deliveryId],
    )) as DeliveryRow[];
    return toView(row!, (await this.attemptsOf([deliveryId])).get(deliveryId) ?? []);
  }

  private async change<T>(actor: Actor, id: string, work: (tx: Tx, current: WebhookSubscription) => Promise<T>): Promise<T> {
    return inTransaction(this.ds, async (tx) => {
      const current = await this.load(tx, id, true);
      assertManagesWebhookSubscription(actor, current);
      return work(tx, current);
    });
  }

  private async load(tx: Tx, id: string, forUpdate = false): Promise<WebhookSubscription> {
    const missing = () => new DomainError('not_found', `No webhook subscription ${id}.`, { subscriptionId: id });
    if (!isUuid(id)) throw missing();
    // NO KEY UPDATE: deliveries being inserted (a key-share lock on the subscription) need not wait for a change.
    const row = await tx.findOne(WebhookSubscriptionEntity, { where: { id }, ...(forUpdate ? { lock: { mode: 'for_no_key_update' as const } } : {}) });
    if (!row) throw missing();
    return toWebhookSubscription(row);
  }

  private async attemptsOf(ids: string[]): Promise<Map<string, WebhookDeliveryAttemptView[]>> {
    const map = new Map<string, WebhookDeliveryAttemptView[]>();
    if (ids.length === 0) return map;
    const rows = (await this.ds.query(
      `SELECT delivery_id::text AS delivery_id, series, attempt, started_at, finished_at, response_status, response_body, latency_ms, error
         FROM webhook_delivery_attempts WHERE delivery_id = ANY($1::uuid[]) ORDER BY series, attempt`,
      [ids],
    )) as Array<{ delivery_id: string; series: number; attempt: number; started_at: Date; finished_at: Date | null; response_status: number | null; response_body: string | null; latency_ms: number | null; error: string | null }>;
    for (const r of rows) {
      const list = map.get(r.delivery_id) ?? [];
      list.push({ series: r.series, attempt: r.attempt, startedAt: r.started_at, finishedAt: r.finished_at, responseStatus: r.response_status, responseBody: r.response_body, latencyMs: r.latency_ms, error: r.error });
      map.set(r.delivery_id, list);
    }
    return map;
  }
}

interface DeliveryRow {
  id: string;
  subscription_id: string;
  workflow_id: string;
  event_id: string;
  event_type: string;
  run_id: string | null;
  payload: Record<string, unknown>;
  status: WebhookDeliveryStatus;
  series: number;
  attempts: number;
  next_attempt_at: Date;
  last_response_status: number | null;
  last_error: string | null;
  created_at: Date;
  updated_at: Date;
  cursor_at: string;
}

function toView(r: DeliveryRow, attemptLog: WebhookDeliveryAttemptView[]): WebhookDeliveryView {
  return {
    id: r.id,
    subscriptionId: r.subscription_id,
    workflowId: r.workflow_id,
    eventId: r.event_id,
    eventType: r.event_type,
    runId: r.run_id,
    payload: r.payload,
    status: r.status,
    series: r.series,
    attempts: r.attempts,
    nextAttemptAt: r.status === 'pending' ? r.next_attempt_at : null,
    lastResponseStatus: r.last_response_status,
    lastError: r.last_error,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    attemptLog,
    cursorAt: r.cursor_at,
  };
}
