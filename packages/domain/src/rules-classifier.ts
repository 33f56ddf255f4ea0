import type { JsonValue } from './json-schema.js';
import { resolvePointer } from './json-pointer.js';
import { renderTemplate } from './template.js';
import type { RulesStep } from './workflow-definition.js';

// Definitions are immutable and cached by the runner, so a rule's compiled pattern can be too.
const compiled = new WeakMap<RulesStep['rules'][number], RegExp>();
function patternOf(rule: RulesStep['rules'][number]): RegExp {
  let re = compiled.get(rule);
  if (!re) compiled.set(rule, (re = new RegExp(rule.pattern, rule.flags)));
  return re;
}

export type RulesResult =
  | { ok: true; output: { label: string; confidence: number; matched: string | null; draft?: string } }
  | { ok: false; missing: string[] };

/**
 * The built-in deterministic provider: the first rule whose pattern matches the input field
 * decides the label and confidence; no match gives the default. With a template it also
 * drafts text. Absent or empty input data is reported as missing, never classified as "other".
 */
export function classifyWithRules(step: RulesStep, input: JsonValue): RulesResult {
  const value = resolvePointer(input, step.field);
  if (value === undefined || value === null || value === '') return { ok: false, missing: [step.field || '/'] };
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  const rule = step.rules.find((r) => patternOf(r).test(text));
  const label = rule?.label ?? step.defaultLabel;
  const confidence = rule?.confidence ?? step.defaultConfidence;
  const output: { label: string; confidence: number; matched: string | null; draft?: string } = { label, confidence, matched: rule?.pattern ?? null };
  if (step.template !== undefined) {
    const draft = renderTemplate(step.template, { label, confidence, input });
    if (draft.missing.length > 0) return { ok: false, missing: draft.missing };
    output.draft = draft.text;
  }
  return { ok: true, output };
}
