export const ROLLOUT_STAGES = ['shadow', 'draft', 'execute'] as const;
export type Stage = (typeof ROLLOUT_STAGES)[number];

const STAGE_LABELS: Record<Stage, string> = { shadow: 'Shadow', draft: 'Draft', execute: 'Execute' };

export function stageLabel(stage: string): string {
  return STAGE_LABELS[stage as Stage] ?? stage;
}

/** The stage after / before `stage`, or null at either end. */
export function nextStage(stage: Stage): Stage | null {
  return ROLLOUT_STAGES[ROLLOUT_STAGES.indexOf(stage) + 1] ?? null;
}
export function previousStage(stage: Stage): Stage | null {
  const i = ROLLOUT_STAGES.indexOf(stage);
  return i > 0 ? (ROLLOUT_STAGES[i - 1] ?? null) : null;
}
