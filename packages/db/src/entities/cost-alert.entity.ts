import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { numericToNumber } from './column-transformers.js';

/** Cost per run over a rolling window above the workflow's baseline. Table `cost_alerts`. */
@Entity({ name: 'cost_alerts' })
export class CostAlertEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid', name: 'workflow_id' })
  workflowId: string;

  @Column({ type: 'timestamptz', name: 'window_start' })
  windowStart: Date;

  @Column({ type: 'timestamptz', name: 'window_end' })
  windowEnd: Date;

  @Column({ type: 'integer' })
  runs: number;

  @Column({ type: 'numeric', name: 'cost_per_run_usd', precision: 14, scale: 6, transformer: numericToNumber })
  costPerRunUsd: number;

  @Column({ type: 'numeric', name: 'baseline_per_run_usd', precision: 14, scale: 6, transformer: numericToNumber })
  baselinePerRunUsd: number;

  @Column({ type: 'double precision', name: 'increase_percent' })
  increasePercent: number;

  @Column({ type: 'timestamptz', name: 'raised_at', default: () => 'now()' })
  raisedAt: Date;

  @Column({ type: 'timestamptz', name: 'cleared_at', nullable: true })
  clearedAt: Date | null;
}
