export type { BatchHandler, BatchOutcome, DeadLetter, Delivery, StepTransport } from './transport.js';
export { createKafkaTransport, type KafkaTransportOptions } from './kafka-transport.js';
export { createPostgresTransport, type PostgresTransportOptions } from './postgres-transport.js';
export { createOutboxRelay, type OutboxRelay, type OutboxRelayOptions } from './outbox-relay.js';
