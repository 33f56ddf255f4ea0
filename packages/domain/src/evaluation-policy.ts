import { DomainError } from './errors.js';

/**
 * How a workflow's AI results are judged against what people did, and when its cost is out of
 * line. Workflow-level governance (not versioned with the definition): changing it is audited.
 */
export interface EvaluationPolicy {
  /**
   * How agreement between the AI's output and a recorded human outcome is decided:
   * `fields` — every listed top-level field must be equal (canonical JSON);
   * `label` — the one named field (e.g. the classifier's `label`) must be equal.
   */
  agreement: { rule: 'fields'; fields: string[] } | { rule: 'label'; field: string };
  /** Share of agreeing outcomes (0–1) a promotion out of shadow or draft needs. */
  agreementThreshold: number;
  /** How many recent recorded outcomes the agreement is measured over, at least. */
  minSampleSize: number;
  /** Expected cost per run in USD; null = no baseline (drift against the baseline is not computed). */
  costBaselinePerRunUsd: number | null;
  /** A cost alert is raised when cost per run over the window exceeds the baseline by more than this many percent. */
  costDriftPercent: number;
  /** The rolling window cost per run is measured over, in hours. */
  costWindowHours: number;
}

export const DEFAULT_EVALUATION_POLICY: EvaluationPolicy = {
  agreement: { rule: 'label', field: 'label' },
  agreementThreshold: 0.9,
  minSampleSize: 30,
  costBaselinePerRunUsd: null,
  costDriftPercent: 25,
  costWindowHours: 24,
};

const invalid = (field: string, message: string) => new DomainError('invalid_input', message, { field: `evaluation.${field}` });

/** Checks a policy a person submitted; returns it normalised (trimmed field names). */
export function validateEvaluationPolicy(policy: EvaluationPolicy): EvaluationPolicy {
  const { agreement } = policy;
  let normalised: EvaluationPolicy['agreement'];
  if (agreement?.rule === 'fields') {
    const fields = (agreement.fields ?? []).map((f) => String(f).trim());
    if (fields.length === 0 || fields.some((f) => !f)) throw invalid('agreement.fields', 'The "fields" agreement rule needs at least one non-empty field name.');
    if (new Set(fields).size !== fields.length) throw invalid('agreement.fields', 'Agreement fields must not repeat.');
    normalised = { rule: 'fields', fields };
  } else if (agreement?.rule === 'label') {
    const field = String(agreement.field ?? '').trim();
    if (!field) throw invalid('agreement.field', 'The "label" agreement rule needs the name of the label field.');
    normalised = { rule: 'label', field };
  } else {
    throw invalid('agreement.rule', 'The agreement rule must be "fields" or "label".');
  }
  if (!Number.isFinite(policy.agreementThreshold) || policy.agreementThreshold < 0 || policy.agreementThreshold > 1) {
    throw invalid('agreementThreshold', 'agreementThreshold is a share between 0 and 1 (e.g. 0.9 for 90 %).');
  }
  if (!Number.isInteger(policy.minSampleSize) || policy.minSampleSize < 1 || policy.minSampleSize > 100_000) {
    throw invalid('minSampleSize', 'minSampleSize is a whole number of runs between 1 and 100,000.');
  }
  if (policy.costBaselinePerRunUsd !== null && (!Number.isFinite(policy.costBaselinePerRunUsd) || policy.costBaselinePerRunUsd < 0)) {
    throw invalid('costBaselinePerRunUsd', 'costBaselinePerRunUsd is a cost in USD, 0 or more, or null for none.');
  }
  if (!Number.isFinite(policy.costDriftPercent) || policy.costDriftPercent <= 0 || policy.costDriftPercent > 10_000) {
    throw invalid('costDriftPercent', 'costDriftPercent is a percentage above 0 (e.g. 25 for 25 %).');
  }
  if (!Number.isInteger(policy.costWindowHours) || policy.costWindowHours < 1 || policy.costWindowHours > 24 * 90) {
    throw invalid('costWindowHours', 'costWindowHours is a whole number of hours between 1 and 2,160 (90 days).');
  }
  return { ...policy, agreement: normalised };
}
