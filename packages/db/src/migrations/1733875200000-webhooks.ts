import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Event subscriptions (issue 7 item 1), see docs/webhooks.md:
 * - webhook_subscriptions: an integrator's endpoint for one workflow's event types. `secret`
 *   is stored as-is: the dispatcher must sign with it (a hash would not do), and the app role
 *   that could read an encryption key could read the secret too; the API returns it once.
 * - webhook_deliveries: one event for one subscription, inserted in the transaction of the
 *   change that caused it (so it is never lost). `payload` is the body sent, built once.
 *   `next_attempt_at` doubles as the dispatcher's lease: claiming a row pushes it past the
 *   request's timeout, so a dispatcher that dies mid-request leaves a row that is due again later.
 * - webhook_delivery_attempts: every attempt with what the receiver answered (bounded excerpt).
 * webhook_deliveries.workflow_id and run_id (copied for filtering and key scope) have no foreign
 * key: the runner's batch commit inserts deliveries while holding run locks, and a key check
 * would also share-lock the workflow row that pause and publish lock for update.
 */
export class Webhooks1733875200000 implements MigrationInterface {
  name = 'Webhooks1733875200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE webhook_subscriptions (
        id                uuid PRIMARY KEY,
        workflow_id       uuid NOT NULL REFERENCES workflows(id),
        url               text NOT NULL CHECK (length(url) <= 2048),
        event_types       text[] NOT NULL CHECK (cardinality(event_types) > 0),
        description       text NOT NULL DEFAULT '',
        enabled           boolean NOT NULL DEFAULT true,
        secret            text NOT NULL,
        created_by        uuid NOT NULL REFERENCES principals(id),
        created_at        timestamptz NOT NULL DEFAULT now(),
        updated_at        timestamptz NOT NULL DEFAULT now(),
        secret_rotated_at timestamptz
      )`);
    // The capture statement's join: enabled subscriptions of a workflow.
    await q.query(`CREATE INDEX webhook_subscriptions_workflow_idx ON webhook_subscriptions (workflow_id) WHERE enabled`);
    await q.query(`
      CREATE TABLE webhook_deliveries (
        id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        subscription_id      uuid NOT NULL REFERENCES webhook_subscriptions(id) ON DELETE CASCADE,
        workflow_id          uuid NOT NULL,
        run_id               uuid,
        event_id             uuid NOT NULL,
        event_type           text NOT NULL,
        payload              jsonb NOT NULL,
        status               text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','succeeded','failed')),
        series               integer NOT NULL DEFAULT 1,
        attempts             integer NOT NULL DEFAULT 0,
        next_attempt_at      timestamptz NOT NULL DEFAULT now(),
        claim_token          uuid,
        last_response_status integer,
        last_error           text,
        created_at           timestamptz NOT NULL DEFAULT now(),
        updated_at           timestamptz NOT NULL DEFAULT now(),
        UNIQUE (subscription_id, event_id)
      )`);
    await q.query(`CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at) WHERE status = 'pending'`);
    await q.query(`CREATE INDEX webhook_deliveries_subscription_idx ON webhook_deliveries (subscription_id, created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX webhook_deliveries_workflow_idx ON webhook_deliveries (workflow_id, created_at DESC, id DESC)`);
    await q.query(`
      CREATE TABLE webhook_delivery_attempts (
        id              bigserial PRIMARY KEY,
        delivery_id     uuid NOT NULL REFERENCES webhook_deliveries(id) ON DELETE CASCADE,
        series          integer NOT NULL,
        attempt         integer NOT NULL,
        started_at      timestamptz NOT NULL DEFAULT now(),
        finished_at     timestamptz,
        response_status integer,
        response_body   text CHECK (length(response_body) <= 2048),
        latency_ms      integer,
        error           text,
        UNIQUE (delivery_id, series, attempt)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE webhook_delivery_attempts`);
    await q.query(`DROP TABLE webhook_deliveries`);
    await q.query(`DROP TABLE webhook_subscriptions`);
  }
}
