import { canonicalJson } from './canonical-json.js';
import { DomainError } from './errors.js';
import type { EvaluationPolicy } from './evaluation-policy.js';
import type { JsonValue } from './json-schema.js';

export type AgreementRule = EvaluationPolicy['agreement'];

/** The top-level fields a rule compares. */
export function comparedFields(rule: AgreementRule): string[] {
  return rule.rule === 'fields' ? [...rule.fields] : [rule.field];
}

function isObject(value: JsonValue | null): value is { [key: string]: JsonValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A field missing on either side counts as null, so `{}` and `{ x: null }` agree on `x`. */
function fieldOf(value: JsonValue | null, field: string): JsonValue {
  return isObject(value) ? (value[field] ?? null) : null;
}

/**
 * Whether the AI's result agrees with what the person did, by the workflow's rule: every
 * compared field equal as canonical JSON (key order in nested objects does not matter).
 * null while the AI has produced nothing to compare.
 */
export function outcomesAgree(ai: JsonValue | null, human: JsonValue, rule: AgreementRule): boolean | null {
  if (ai === null) return null;
  return comparedFields(rule).every((field) => canonicalJson(fieldOf(ai, field)) === canonicalJson(fieldOf(human, field)));
}

/**
 * A human outcome must say what the person decided for every compared field; an outcome that
 * leaves one out would silently count as agreeing or disagreeing on a guess.
 */
export function assertComparableHumanOutcome(human: JsonValue, rule: AgreementRule): void {
  const fields = comparedFields(rule);
  if (!isObject(human)) {
    throw new DomainError('invalid_input', `outcome must be a JSON object with the compared field${fields.length > 1 ? 's' : ''} ${fields.map((f) => `"${f}"`).join(', ')}.`, { field: 'outcome' });
  }
  const missing = fields.find((f) => !Object.prototype.hasOwnProperty.call(human, f));
  if (missing !== undefined) {
    throw new DomainError('invalid_input', `outcome is missing the field "${missing}", which this workflow's agreement rule compares (${rule.rule}: ${fields.join(', ')}).`, { field: `outcome.${missing}` });
  }
}
