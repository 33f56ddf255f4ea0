import { describe, expect, it } from 'vitest';
import { AGENT_SCOPE_PATH_ROOTS, luhnValid, parseJsonPath, redactDocument, redactStepTrace, redactText, type PiiDetector } from './redaction.js';
import { validateDefinition, type WorkflowDefinition } from './workflow-definition.js';

const only = (detector: PiiDetector) => (text: string) => redactText(text, [detector]);

describe('email detector', () => {
  const run = only('email');
  it.each(['jane.doe@example.com', 'j+tag@mail.example.co.uk', "o'brien@example.ie", 'X_Y-9@sub-domain.example.org'])('redacts %s', (email) => {
    expect(run(`write to ${email}, thanks`)).toEqual({ text: 'write to [REDACTED:email], thanks', found: { email: 1 } });
  });
  it.each(['user@localhost', 'not an @ address', 'price 3@4.5', 'twitter @handle', 'a@b.c'])('leaves %s', (text) => {
    expect(run(text)).toEqual({ text, found: {} });
  });
  it('counts each address', () => {
    expect(run('a@example.com; b@example.com').found).toEqual({ email: 2 });
  });
});

describe('card detector', () => {
  const run = only('card');
  it.each([
    ['4111111111111111', 'Visa, ungrouped'],
    ['4111 1111 1111 1111', 'Visa, spaces'],
    ['5555-5555-5555-4444', 'Mastercard, dashes'],
    ['378282246310005', 'Amex, ungrouped'],
    ['3782 822463 10005', 'Amex 4-6-5'],
    ['6011111111111117', 'Discover'],
    ['4222222222222', 'Visa 13 digits'],
    ['6200000000000000000', '19 digits'],
  ])('redacts %s (%s)', (card) => {
    expect(run(`card: ${card}.`)).toEqual({ text: 'card: [REDACTED:card].', found: { card: 1 } });
  });
  it.each([
    ['4111111111111112', 'fails Luhn'],
    ['4111 1111 1111 1112', 'grouped, fails Luhn'],
    ['4111 1111-1111 1111', 'mixed separators'],
    ['1234567812345670', 'passes Luhn but no issuer starts with 1'],
    ['2024-01-15', 'a date'],
    ['ORD-4111111111111111', 'inside an order id'],
    ['41111111111111110000', '20 digits'],
    ['411111111111', '12 digits'],
    ['INV 2024 0001 0002 0003', 'grouped invoice number, fails Luhn'],
  ])('leaves %s (%s)', (text) => {
    expect(run(text)).toEqual({ text, found: {} });
  });
  it('implements Luhn', () => {
    expect(luhnValid('79927398713')).toBe(true);
    expect(luhnValid('79927398710')).toBe(false);
    expect(luhnValid('12a4')).toBe(false);
  });
});

describe('national id detector', () => {
  const run = only('national_id');
  it.each(['123-45-6789', 'AB123456C', 'AB 12 34 56 C', 'JG 10 37 00 A'])('redacts %s', (id) => {
    expect(run(`id ${id} on file`)).toEqual({ text: 'id [REDACTED:national_id] on file', found: { national_id: 1 } });
  });
  it.each([
    ['000-12-3456', 'SSN area 000'],
    ['666-12-3456', 'SSN area 666'],
    ['912-34-5678', 'SSN area 9xx'],
    ['123-00-6789', 'SSN group 00'],
    ['123-45-0000', 'SSN serial 0000'],
    ['123456789', 'undashed nine digits'],
    ['2024-01-15', 'a date'],
    ['ORD-123-45-6789', 'inside an order id'],
    ['GB123456A', 'NINO prefix never issued'],
    ['QQ123456E', 'NINO suffix out of range'],
    ['ab123456c', 'lower case'],
  ])('leaves %s (%s)', (text) => {
    expect(run(text)).toEqual({ text, found: {} });
  });
});

describe('phone detector', () => {
  const run = only('phone');
  it.each(['+44 20 7946 0958', '+1 (555) 123-4567', '+4915123456789', '(555) 123-4567', '555-123-4567', '555.123.4567', '07700 900123', '020 7946 0958'])('redacts %s', (phone) => {
    expect(run(`call ${phone} today`)).toEqual({ text: 'call [REDACTED:phone] today', found: { phone: 1 } });
  });
  it.each([
    ['2024-01-15', 'a date'],
    ['15.01.2024', 'a dotted date'],
    ['ORD-555-123-4567', 'inside an order id'],
    ['555-123.4567', 'mixed separators'],
    ['+123', 'too few digits'],
    ['order 12345678', 'a bare number'],
    ['v1.2.3', 'a version'],
  ])('leaves %s (%s)', (text) => {
    expect(run(text)).toEqual({ text, found: {} });
  });
});

describe('redactText', () => {
  it('runs only the detectors asked for, and is deterministic', () => {
    const text = 'jane@example.com paid with 4111 1111 1111 1111, SSN 123-45-6789, phone +44 20 7946 0958';
    const all = redactText(text, ['email', 'card', 'national_id', 'phone']);
    expect(all.text).toBe('[REDACTED:email] paid with [REDACTED:card], SSN [REDACTED:national_id], phone [REDACTED:phone]');
    expect(redactText(text, ['email', 'card', 'national_id', 'phone'])).toEqual(all);
    expect(redactText(text, ['email']).text).toBe('[REDACTED:email] paid with 4111 1111 1111 1111, SSN 123-45-6789, phone +44 20 7946 0958');
    expect(redactText(text, [])).toEqual({ text, found: {} });
  });
});

describe('parseJsonPath', () => {
  it('reads the supported subset', () => {
    expect(parseJsonPath("$.customer['e-mail'].items[0][*].*")).toEqual({
      ok: true,
      segments: [{ key: 'customer' }, { key: 'e-mail' }, { key: 'items' }, { index: 0 }, { any: true }, { any: true }],
    });
    expect(parseJsonPath('$["a b"]')).toEqual({ ok: true, segments: [{ key: 'a b' }] });
  });
  it.each([
    ['customer.email', 'must start with "$"'],
    ['$', 'must name a field below "$"'],
    ['$..email', 'cannot be read at "..email"'],
    ['$.items[?(@.x)]', 'cannot be read at "[?(@.x)]"'],
    ['$.a[1:2]', 'cannot be read at "[1:2]"'],
    ['$.a.', 'cannot be read at "."'],
  ])('refuses %s', (path, message) => {
    const parsed = parseJsonPath(path);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.message).toContain(message);
  });
});

describe('redactDocument', () => {
  const doc = {
    customerEmail: 'jane@example.com',
    card: { number: '4111111111111111', expiry: '12/29' },
    items: [{ sku: 'A-1', note: 'ring +44 20 7946 0958' }, { sku: 'B-2', note: 'none' }],
    orderId: 'ORD-2024-000123',
  };

  it('replaces path values whole and detected values in place, and records both', () => {
    const { value, summary } = redactDocument(doc, { redactPaths: ['$.card', '$.items[*].sku', '$.missing.field'] }, { at: '/input' });
    expect(value).toEqual({
      customerEmail: '[REDACTED:email]',
      card: '[REDACTED:path]',
      items: [{ sku: '[REDACTED:path]', note: 'ring [REDACTED:phone]' }, { sku: '[REDACTED:path]', note: 'none' }],
      orderId: 'ORD-2024-000123',
    });
    expect(summary).toEqual({
      total: 5,
      paths: ['$.card', '$.items[*].sku'],
      detectors: [
        { detector: 'email', count: 1 },
        { detector: 'phone', count: 1 },
      ],
      locations: ['/input/card', '/input/items/0/sku', '/input/items/1/sku', '/input/customerEmail', '/input/items/0/note'],
    });
    // The caller's value is untouched.
    expect(doc.card.number).toBe('4111111111111111');
  });

  it('redacts by path even with detectors off, and redacts card-number integers', () => {
    expect(redactDocument({ a: 'jane@example.com', b: 'x' }, { redactPaths: ['$.b'], detectors: [] }).value).toEqual({ a: 'jane@example.com', b: '[REDACTED:path]' });
    expect(redactDocument({ pan: 4111111111111111, qty: 4111111111111112 }, undefined).value).toEqual({ pan: '[REDACTED:card]', qty: 4111111111111112 });
  });

  it('applies paths at the given roots only', () => {
    const scope = { input: { customerEmail: 'x' }, steps: { draft: { customerEmail: 'y' }, other: 'z' } };
    const { value } = redactDocument(scope, { redactPaths: ['$.customerEmail'], detectors: [] }, { pathRoots: ['', '/input', '/steps/*'] });
    expect(value).toEqual({ input: { customerEmail: '[REDACTED:path]' }, steps: { draft: { customerEmail: '[REDACTED:path]' }, other: 'z' } });
  });

  it('without paths, copies only along the way to what it replaces, and leaves the input as it was', () => {
    const input = { a: { deep: ['call me on +44 20 7946 0958', 'no digits here'] }, b: { untouched: ['plain', 42] }, c: -4111111111111111 };
    const before = structuredClone(input);
    const { value, summary } = redactDocument(input, undefined, { at: '/output' });
    expect(value).toEqual({ a: { deep: ['call me on [REDACTED:phone]', 'no digits here'] }, b: { untouched: ['plain', 42] }, c: '[REDACTED:card]' });
    expect(summary.locations).toEqual(['/output/a/deep/0', '/output/c']);
    expect(input).toEqual(before);
    const out = value as typeof input;
    expect(out.b).toBe(input.b); // nothing to redact below b: shared, not copied
    expect(out.a).not.toBe(input.a);
    const clean = { x: { y: ['text', 7] } };
    expect(redactDocument(clean, undefined).value).toBe(clean);
  });

  it("finds an escaped key's pointer and skips nodes a path already replaced", () => {
    const { value, summary } = redactDocument({ 'a/b': { 'c~d': 'jane@example.com' }, keep: 'jane@example.com' }, { redactPaths: ['$.keep'] });
    expect(value).toEqual({ 'a/b': { 'c~d': '[REDACTED:email]' }, keep: '[REDACTED:path]' });
    expect(summary.locations).toEqual(['/keep', '/a~1b/c~0d']);
  });

  it('gives the same result for the same value every time (redeliveries store the same trace)', () => {
    const policy = { redactPaths: ['$.card.number'] };
    expect(redactDocument(doc, policy)).toEqual(redactDocument(structuredClone(doc), policy));
  });
});

describe('redactStepTrace', () => {
  it('redacts input, output and the error and validation payloads that echo them', () => {
    const { payloads, summary } = redactStepTrace(
      {
        input: { input: { email: 'jane@example.com' }, steps: {} },
        output: { reply: 'Card 4111 1111 1111 1111 noted' },
        validation: null,
        error: { reason: 'tool_error', message: 'receiver rejected jane@example.com' },
      },
      { redactPaths: ['$.email'] },
      { pathRoots: { input: AGENT_SCOPE_PATH_ROOTS } },
    );
    expect(payloads).toEqual({
      input: { input: { email: '[REDACTED:path]' }, steps: {} },
      output: { reply: 'Card [REDACTED:card] noted' },
      validation: null,
      error: { reason: 'tool_error', message: 'receiver rejected [REDACTED:email]' },
    });
    expect(summary).toEqual({ total: 3, paths: ['$.email'], detectors: [{ detector: 'email', count: 1 }, { detector: 'card', count: 1 }], locations: ['/input/input/email', '/output/reply', '/error/message'] });
  });
});

describe('definition privacy settings', () => {
  const base: WorkflowDefinition = { inputSchema: { type: 'object' }, steps: [{ id: 'a', kind: 'approval' }] };
  it('accepts valid paths and detectors', () => {
    expect(validateDefinition({ ...base, privacy: { redactPaths: ['$.customerEmail', '$.card.number'], detectors: ['email', 'card'] } })).toEqual([]);
  });
  it('names each invalid path and unknown detector', () => {
    expect(validateDefinition({ ...base, privacy: { redactPaths: ['$.ok', 'customer.email', '$..x'] } })).toEqual([
      { path: '/privacy/redactPaths/1', message: '"customer.email" must start with "$" (e.g. "$.customer.email")' },
      { path: '/privacy/redactPaths/2', message: '"$..x" cannot be read at "..x": use .name, [\'name\'], [0], .* or [*] (filters and ".." are not supported)' },
    ]);
    expect(validateDefinition({ ...base, privacy: { detectors: ['email', 'iban'] } }).map((i) => i.path)).toEqual(['/privacy/detectors/1']);
  });
});
