import { describe, expect, it } from 'vitest';
import { classifyWithRules } from './rules-classifier.js';
import type { RulesStep } from './workflow-definition.js';

function rulesStep(overrides: Partial<RulesStep> = {}): RulesStep {
  return {
    id: 'classify',
    kind: 'rules',
    field: '/message',
    rules: [
      { label: 'refund', pattern: 'refund|money back', flags: 'i', confidence: 0.9 },
      { label: 'address', pattern: '\\baddress\\b', confidence: 0.8 },
    ],
    defaultLabel: 'other',
    defaultConfidence: 0.3,
    ...overrides,
  };
}

describe('classifyWithRules', () => {
  it('labels with the matching rule and reports its pattern', () => {
    expect(classifyWithRules(rulesStep(), { message: 'Please change my address' })).toEqual({
      ok: true,
      output: { label: 'address', confidence: 0.8, matched: '\\baddress\\b' },
    });
  });

  it('lets the first matching rule win even when a later one also matches with higher confidence', () => {
    const step = rulesStep({
      rules: [
        { label: 'first', pattern: 'parcel', confidence: 0.5 },
        { label: 'second', pattern: 'late parcel', confidence: 0.99 },
      ],
    });
    expect(classifyWithRules(step, { message: 'late parcel' })).toEqual({ ok: true, output: { label: 'first', confidence: 0.5, matched: 'parcel' } });
  });

  it('applies the rule flags: "i" matches any case, no flag is case-sensitive', () => {
    expect(classifyWithRules(rulesStep(), { message: 'I want my MONEY BACK' })).toMatchObject({ ok: true, output: { label: 'refund' } });
    // "address" has no "i" flag, so "ADDRESS" falls through to the default.
    expect(classifyWithRules(rulesStep(), { message: 'New ADDRESS please' })).toEqual({
      ok: true,
      output: { label: 'other', confidence: 0.3, matched: null },
    });
  });

  it('gives the default label and confidence, with matched null, when no rule matches', () => {
    expect(classifyWithRules(rulesStep(), { message: 'hello' })).toEqual({ ok: true, output: { label: 'other', confidence: 0.3, matched: null } });
  });

  it('gives the default when there are no rules at all', () => {
    expect(classifyWithRules(rulesStep({ rules: [] }), { message: 'refund' })).toEqual({ ok: true, output: { label: 'other', confidence: 0.3, matched: null } });
  });

  it('classifies the same rule object consistently on repeated calls (cached pattern has no state)', () => {
    const step = rulesStep();
    const verdicts = ['refund', 'refund now', 'nothing', 'REFUND'].map((message) => {
      const result = classifyWithRules(step, { message });
      return result.ok ? result.output.label : 'missing';
    });
    expect(verdicts).toEqual(['refund', 'refund', 'other', 'refund']);
  });

  it('reads a nested field by JSON Pointer', () => {
    const step = rulesStep({ field: '/ticket/subject' });
    expect(classifyWithRules(step, { ticket: { subject: 'refund please' } })).toMatchObject({ ok: true, output: { label: 'refund' } });
  });

  it('matches non-string values against their JSON text', () => {
    const step = rulesStep({ field: '/order', rules: [{ label: 'big', pattern: '"amount":\\d{4,}', confidence: 0.7 }] });
    expect(classifyWithRules(step, { order: { amount: 12000 } })).toMatchObject({ ok: true, output: { label: 'big' } });
    expect(classifyWithRules(step, { order: { amount: 12 } })).toMatchObject({ ok: true, output: { label: 'other' } });
  });

  it('classifies 0 and false, which are present values, instead of reporting them missing', () => {
    const step = rulesStep({ field: '/v', rules: [{ label: 'zero', pattern: '^0$', confidence: 1 }, { label: 'no', pattern: '^false$', confidence: 1 }] });
    expect(classifyWithRules(step, { v: 0 })).toMatchObject({ ok: true, output: { label: 'zero' } });
    expect(classifyWithRules(step, { v: false })).toMatchObject({ ok: true, output: { label: 'no' } });
  });

  it.each([
    ['absent', { other: 'x' }],
    ['null', { message: null }],
    ['an empty string', { message: '' }],
  ])('reports the field as missing when it is %s, never classifying it as the default', (_what, input) => {
    expect(classifyWithRules(rulesStep(), input)).toEqual({ ok: false, missing: ['/message'] });
  });

  it('reports a missing whole-document field ("") as "/"', () => {
    expect(classifyWithRules(rulesStep({ field: '' }), '')).toEqual({ ok: false, missing: ['/'] });
    expect(classifyWithRules(rulesStep({ field: '' }), 'refund')).toMatchObject({ ok: true, output: { label: 'refund' } });
  });

  describe('with a template', () => {
    const step = rulesStep({ template: 'About your {{label}} ({{confidence}}): {{input.message}}' });

    it('drafts text from the label, confidence and input', () => {
      expect(classifyWithRules(step, { message: 'I want a refund' })).toEqual({
        ok: true,
        output: { label: 'refund', confidence: 0.9, matched: 'refund|money back', draft: 'About your refund (0.9): I want a refund' },
      });
    });

    it('drafts with the default label when nothing matches', () => {
      expect(classifyWithRules(step, { message: 'hi' })).toMatchObject({ ok: true, output: { label: 'other', draft: 'About your other (0.3): hi' } });
    });

    it('fails with the template’s missing data instead of drafting around a gap', () => {
      const named = rulesStep({ template: 'Dear {{input.name}}, {{input.name}} — re {{input.orderId}}: {{label}}' });
      expect(classifyWithRules(named, { message: 'refund', name: '' })).toEqual({ ok: false, missing: ['input.name', 'input.orderId'] });
    });

    it('has no draft key without a template', () => {
      const result = classifyWithRules(rulesStep(), { message: 'refund' });
      expect(result.ok && 'draft' in result.output).toBe(false);
    });

    it('drafts an empty template as empty text', () => {
      expect(classifyWithRules(rulesStep({ template: '' }), { message: 'refund' })).toMatchObject({ ok: true, output: { draft: '' } });
    });
  });
});
