/*
 * The step transport port. The runner's step handler is written once against this interface;
 * the Kafka and Postgres adapters deliver step dispatches to it, and both pass one contract
 * suite (transport-contract.ts).
 *
 * Delivery is at-least-once: a batch is acknowledged (Kafka: offsets resolved and committed;
 * Postgres: outbox rows marked taken) only after the handler returned, i.e. after its effects
 * committed. Anything not acknowledged is delivered again, possibly to another runner; the
 * handler makes redelivery a no-op.
 */
import type { EntityManager } from 'typeorm';

export interface Delivery {
  /** Transport-specific identity for logs: "outbox:<id>" or "<topic>/<partition>@<offset>". */
  id: string;
  /** Message key: the run id for step dispatches. Null when the producer set none. */
  key: string | null;
  /** The message as received, undecoded: a garbage message must reach the handler, not crash the consumer. */
  value: string;
  /** 1 on first delivery when the transport counts deliveries (Postgres does; Kafka does not). */
  deliveryCount: number | null;
}

export interface DeadLetter {
  delivery: Delivery;
  /** Why the message could not be processed, for the operator who reads the dead letters. */
  reason: string;
  /** The run the message belonged to, when that could be read from it. */
  runId?: string | null;
}

export interface BatchOutcome {
  /** Deliveries to move to the dead-letter topic/table. Every other delivery counts as done. */
  deadLetters: DeadLetter[];
}

/** What a transport offers the handler of one batch beyond the deliveries. */
export interface BatchControls {
  /**
   * Postgres transport only: acknowledges the whole batch (recording `deadLetters` as such)
   * inside the handler's own transaction, so the effects and the acknowledgement commit
   * together. Call it in the transaction whose commit the handler awaits before returning, and
   * throw if that transaction fails. Once it has been called and the handler returns, the
   * transport does not acknowledge again; a handler that commits nothing leaves it uncalled and
   * the transport acknowledges on its own.
   */
  acknowledgeIn?: (tx: EntityManager, deadLetters: DeadLetter[]) => Promise<void>;
}

/**
 * Processes one batch and resolves once its effects are committed. Throwing means "nothing of
 * this batch is done": the transport delivers the whole batch again later.
 */
export type BatchHandler = (batch: Delivery[], controls?: BatchControls) => Promise<BatchOutcome>;

export interface StepTransport {
  readonly kind: 'kafka' | 'postgres';
  /** Starts consuming; resolves once the consumer is running. */
  start(handler: BatchHandler): Promise<void>;
  /**
   * Graceful stop: fetch nothing new, let the batch in flight finish and acknowledge it,
   * release anything claimed but not started, leave the consumer group. Idempotent.
   */
  stop(): Promise<void>;
}
