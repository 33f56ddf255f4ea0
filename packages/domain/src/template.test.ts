import { describe, expect, it } from 'vitest';
import { renderTemplate } from './template.js';

const input = {
  message: 'Where is my parcel?',
  customer: { name: 'Ada', address: { city: 'Lyon' } },
  tags: ['late', 'parcel'],
  count: 0,
  vip: false,
  note: null,
  blank: '',
};

describe('renderTemplate', () => {
  it('fills top-level and dotted placeholders', () => {
    const rendered = renderTemplate('Hi {{input.customer.name}} in {{input.customer.address.city}}: {{label}}', { label: 'tracking', input });
    expect(rendered).toEqual({ text: 'Hi Ada in Lyon: tracking', missing: [] });
  });

  it('accepts spaces inside the braces', () => {
    expect(renderTemplate('[{{ label }}] [{{  input.message\t}}]', { label: 'x', input }).text).toBe('[x] [Where is my parcel?]');
  });

  it('renders objects and arrays as JSON, strings as they are', () => {
    const rendered = renderTemplate('{{input.customer.address}} {{input.tags}} {{input.message}}', { input });
    expect(rendered.text).toBe('{"city":"Lyon"} ["late","parcel"] Where is my parcel?');
    expect(rendered.missing).toEqual([]);
  });

  it('renders numbers and booleans, including 0 and false, as text and does not report them missing', () => {
    const rendered = renderTemplate('{{input.count}}/{{input.vip}}/{{confidence}}', { input, confidence: 0.75 });
    expect(rendered).toEqual({ text: '0/false/0.75', missing: [] });
  });

  it('renders an empty object or array as JSON (present, not missing)', () => {
    expect(renderTemplate('{{a}}{{b}}', { a: {}, b: [] })).toEqual({ text: '{}[]', missing: [] });
  });

  it('reports absent, null and empty-string values as missing and renders them as empty text', () => {
    const rendered = renderTemplate('a={{input.absent}} b={{input.note}} c={{input.blank}} d={{nope}} e={{input.customer.phone}}', { input });
    expect(rendered.text).toBe('a= b= c= d= e=');
    expect(rendered.missing).toEqual(['input.absent', 'input.note', 'input.blank', 'nope', 'input.customer.phone']);
  });

  it('reports a path through a missing, null or scalar parent as missing', () => {
    const rendered = renderTemplate('{{input.nothing.x}}{{input.note.x}}{{input.message.length}}{{input.count.x}}', { input });
    expect(rendered).toEqual({ text: '', missing: ['input.nothing.x', 'input.note.x', 'input.message.length', 'input.count.x'] });
  });

  it('does not index into arrays: {{input.tags.0}} is missing rather than a guess', () => {
    expect(renderTemplate('{{input.tags.0}}', { input })).toEqual({ text: '', missing: ['input.tags.0'] });
  });

  it('reports each missing path once, in order of first appearance, even when spaced differently', () => {
    const rendered = renderTemplate('{{b}} {{a}} {{ b }} {{a}} {{b}}', {});
    expect(rendered.missing).toEqual(['b', 'a']);
    expect(rendered.text).toBe('    ');
  });

  it('reports a scope entry that is explicitly undefined as missing', () => {
    expect(renderTemplate('{{label}}', { label: undefined }).missing).toEqual(['label']);
  });

  it('leaves text that is not a placeholder untouched', () => {
    const template = 'Literal {{1abc}} {{ }} {{a b}} {label} {{.x}} {{a..b}} and {{ok}}';
    expect(renderTemplate(template, { ok: 'yes' })).toEqual({ text: 'Literal {{1abc}} {{ }} {{a b}} {label} {{.x}} {{a..b}} and yes', missing: [] });
  });

  it('allows hyphens and underscores in names', () => {
    expect(renderTemplate('{{_x}} {{input.first-name}}', { _x: 'u', input: { 'first-name': 'Bo' } }).text).toBe('u Bo');
  });

  it('inserts values literally: "$&" and "$1" are not replacement patterns', () => {
    expect(renderTemplate('<{{v}}>', { v: '$& and $1 and $$' }).text).toBe('<$& and $1 and $$>');
  });

  it('does not expand placeholders found inside a value (one pass only)', () => {
    expect(renderTemplate('{{a}}', { a: '{{b}}', b: 'nope' })).toEqual({ text: '{{b}}', missing: [] });
  });

  it('returns a template without placeholders unchanged', () => {
    expect(renderTemplate('No data needed.', {})).toEqual({ text: 'No data needed.', missing: [] });
  });

  // BUG (template.ts, lines 19 and 21): the scope and the values are read with plain `obj[key]`, so
  // inherited Object.prototype members count as present data. `{{input.constructor}}` renders
  // "function Object() { [native code] }" and `{{toString}}` renders the native toString,
  // instead of being reported missing. json-pointer.ts guards the same case with hasOwnProperty.
  it('treats inherited Object.prototype members as absent data', () => {
    expect(renderTemplate('{{input.constructor}}', { input: { a: 1 } })).toEqual({ text: '', missing: ['input.constructor'] });
    expect(renderTemplate('{{toString}}', { input: { a: 1 } })).toEqual({ text: '', missing: ['toString'] });
    expect(renderTemplate('{{input.__proto__}}', { input: { a: 1 } })).toEqual({ text: '', missing: ['input.__proto__'] });
  });
});
