/** The six readiness criteria in checklist order (docs/promotion-gate.md), with what each asks. */
export const READINESS_CRITERIA = [
  { key: 'realVolume', label: 'Real volume', question: 'Enough cases to matter and to measure.' },
  { key: 'visibleDragOrRework', label: 'Visible drag or rework', question: 'The work shows drag or rework today.' },
  { key: 'understandableFailureModes', label: 'Understandable failure modes', question: 'How it fails is understood.' },
  { key: 'approvalsDefinable', label: 'Approvals definable', question: 'Who approves what can be defined.' },
  { key: 'outcomeMeasurable', label: 'Measurable outcome', question: 'The outcome can be measured.' },
  { key: 'namedBusinessOwner', label: 'Named business owner', question: 'A named owner on the business side.' },
] as const;

export type ReadinessCriterionKey = (typeof READINESS_CRITERIA)[number]['key'];

export function criterionLabel(key: string): string {
  return READINESS_CRITERIA.find((c) => c.key === key)?.label ?? key;
}
