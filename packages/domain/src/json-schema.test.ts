import { describe, expect, it } from 'vitest';
import { checkJsonSchema, formatIssues, validateAgainstSchema } from './json-schema.js';

describe('checkJsonSchema', () => {
  it('accepts a valid schema', () => {
    expect(checkJsonSchema({ type: 'object', properties: { a: { type: 'string', format: 'email' } }, example: { a: 'x' } }, '/s')).toEqual([]);
  });

  it.each([null, [], 'string', 3])('refuses a non-object (%j) at the given pointer', (schema) => {
    expect(checkJsonSchema(schema, '/inputSchema')).toEqual([{ path: '/inputSchema', message: 'must be a JSON Schema object' }]);
  });

  it('refuses a misspelt type, pointing inside the schema', () => {
    const issues = checkJsonSchema({ type: 'object', properties: { a: { type: 'strng' } } }, '/inputSchema');
    expect(issues.length).toBeGreaterThan(0);
    expect(issues.every((i) => i.path.startsWith('/inputSchema/properties/a/type'))).toBe(true);
    expect(issues[0]?.message).toMatch(/^is not a valid JSON Schema: /);
  });

  it('refuses a schema that passes the meta-schema but cannot compile', () => {
    const issues = checkJsonSchema({ $ref: '#/definitions/missing' }, '/x');
    expect(issues).toHaveLength(1);
    expect(issues[0]?.path).toBe('/x');
    expect(issues[0]?.message).toMatch(/is not a valid JSON Schema/);
  });
});

describe('validateAgainstSchema', () => {
  const schema = {
    type: 'object',
    required: ['name'],
    additionalProperties: false,
    properties: { name: { type: 'string' }, email: { type: 'string', format: 'email' }, tags: { type: 'array', items: { type: 'string' } } },
  };

  it('returns nothing for a valid value', () => {
    expect(validateAgainstSchema(schema, { name: 'a', email: 'a@example.com', tags: ['x'] })).toEqual([]);
  });

  it('returns every problem at once with JSON pointers', () => {
    const issues = validateAgainstSchema(schema, { email: 'not-an-email', tags: ['ok', 7], extra: 1 });
    const paths = issues.map((i) => i.path).sort();
    expect(paths).toEqual(['/', '/email', '/name', '/tags/1'].sort());
    expect(issues.find((i) => i.message.includes('additional'))?.message).toBe('must NOT have additional properties (extra)');
    expect(issues.find((i) => i.message.includes('required'))?.message).toContain("'name'");
  });

  it('formats issues as one line', () => {
    expect(formatIssues([{ path: '/a', message: 'must be string' }, { path: '/b/0', message: 'must be number' }])).toBe('/a must be string; /b/0 must be number');
  });
});

describe('schemas that carry an $id', () => {
  it('compiles two different schemas with the same $id independently (e.g. v1 and v2 of one input schema)', () => {
    const v1 = { $id: 'https://schemas.example.test/ticket', type: 'object', properties: { n: { $ref: '#/definitions/n' } }, definitions: { n: { type: 'number' } } };
    const v2 = { $id: 'https://schemas.example.test/ticket', type: 'object', properties: { n: { $ref: '#/definitions/n' } }, definitions: { n: { type: 'string' } } };
    expect(checkJsonSchema(v1, '/a')).toEqual([]);
    expect(checkJsonSchema(v2, '/b')).toEqual([]);
    expect(validateAgainstSchema(v1, { n: 'x' })).toEqual([{ path: '/n', message: 'must be number' }]);
    expect(validateAgainstSchema(v2, { n: 'x' })).toEqual([]);
    expect(validateAgainstSchema(v2, { n: 1 })).toEqual([{ path: '/n', message: 'must be string' }]);
  });
});
