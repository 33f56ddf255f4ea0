import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { numericToNumber } from './column-transformers.js';

/** One attempt at one step of a run (unique per run, step and attempt). Table `step_attempts`. */
@Entity({ name: 'step_attempts' })
export class StepAttemptEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid', name: 'run_id' })
  runId: string;

  @Column({ type: 'text', name: 'step_id' })
  stepId: string;

  @Column({ type: 'integer' })
  attempt: number;

  /** running | succeeded | failed */
  @Column({ type: 'text' })
  status: string;

  @Column({ type: 'jsonb', nullable: true })
  input: unknown;

  @Column({ type: 'jsonb', nullable: true })
  output: unknown;

  @Column({ type: 'text', nullable: true })
  provider: string | null;

  @Column({ type: 'text', nullable: true })
  model: string | null;

  @Column({ type: 'text', name: 'prompt_version', nullable: true })
  promptVersion: string | null;

  @Column({ type: 'integer', name: 'tokens_in', nullable: true })
  tokensIn: number | null;

  @Column({ type: 'integer', name: 'tokens_out', nullable: true })
  tokensOut: number | null;

  @Column({
    type: 'numeric',
    name: 'cost_usd',
    precision: 14,
    scale: 6,
    nullable: true,
    transformer: numericToNumber,
  })
  costUsd: number | null;

  @Column({ type: 'integer', name: 'latency_ms', nullable: true })
  latencyMs: number | null;

  @Column({ type: 'double precision', nullable: true })
  confidence: number | null;

  @Column({ type: 'jsonb', nullable: true })
  validation: unknown;

  @Column({ type: 'jsonb', nullable: true })
  error: unknown;

  @Column({ type: 'timestamptz', name: 'started_at', default: () => 'now()' })
  startedAt: Date;

  @Column({ type: 'timestamptz', name: 'finished_at', nullable: true })
  finishedAt: Date | null;

  @Column({ type: 'text', name: 'step_kind', nullable: true })
  stepKind: string | null;

  /** The run's dispatch_seq this attempt answered. */
  @Column({ type: 'integer', name: 'dispatch_seq', nullable: true })
  dispatchSeq: number | null;

  /** The Idempotency-Key sent with an action; equal across redeliveries and automatic retries. */
  @Column({ type: 'text', name: 'effect_key', nullable: true })
  effectKey: string | null;

  /** What redaction replaced in the stored trace (a RedactionSummary); null before redaction existed. */
  @Column({ type: 'jsonb', nullable: true })
  redactions: unknown;

  /**
   * The unredacted output later steps of the run read, kept only when redaction changed
   * `output`. Never selected by default: only the runner's execution path reads it.
   */
  @Column({ type: 'jsonb', name: 'execution_output', nullable: true, select: false })
  executionOutput?: unknown;

  /** When retention cleared this row's payload columns (docs/security.md); null while they are kept. */
  @Column({ type: 'timestamptz', name: 'payload_purged_at', nullable: true })
  payloadPurgedAt: Date | null;
}
