import { describe, expect, it } from 'vitest';
import { redactAuditData } from './audit-redaction.js';

describe('redactAuditData', () => {
  it("redacts a shadow action's args by the version's paths and every detector, leaving ids and facts", () => {
    const data = {
      runId: 'r-1',
      workflowId: 'w-1',
      stepId: 'send_reply',
      action: 'send_email',
      mode: 'shadow',
      args: { to: 'ada@example.com', body: 'Call me on +44 20 7946 0958', customer: { name: 'Ada Lovelace' }, amount: 12 },
    };
    const { data: out, summary } = redactAuditData(data, { redactPaths: ['$.customer.name'], detectors: [] });
    expect(out).toEqual({
      runId: 'r-1',
      workflowId: 'w-1',
      stepId: 'send_reply',
      action: 'send_email',
      mode: 'shadow',
      args: { to: '[REDACTED:email]', body: 'Call me on [REDACTED:phone]', customer: { name: '[REDACTED:path]' }, amount: 12 },
      redactions: summary,
    });
    // Detectors stay on for audit rows even when the version turned them off for traces.
    expect(summary).toMatchObject({ total: 3, paths: ['$.customer.name'], detectors: [{ detector: 'email', count: 1 }, { detector: 'phone', count: 1 }] });
    expect(summary.locations.sort()).toEqual(['/args/body', '/args/customer/name', '/args/to']);
    expect(JSON.stringify(out)).not.toMatch(/ada@example|7946|Lovelace/);
    expect(data.args.to).toBe('ada@example.com'); // the input is not modified
  });

  it("redacts an approval edit's diff: op values under a path whole, values above one by the re-rooted path, the rest by detectors", () => {
    const diff = [
      { op: 'replace', path: '/customer/email', value: 'grace@example.org' },
      { op: 'replace', path: '/customer', value: { email: 'x', name: 'Grace Hopper', tier: 'gold' } },
      { op: 'replace', path: '/draft', value: 'Hi, ring 555-123-4567 or mail g@h.io' },
      { op: 'remove', path: '/note' },
    ];
    const { data } = redactAuditData({ approvalId: 'a', decision: 'edit_and_approve', reason: 'fixed the address for grace@example.org', diff }, { redactPaths: ['$.customer.email', '$.customer.name'] });
    expect(data.diff).toEqual([
      { op: 'replace', path: '/customer/email', value: '[REDACTED:path]' },
      { op: 'replace', path: '/customer', value: { email: '[REDACTED:path]', name: '[REDACTED:path]', tier: 'gold' } },
      { op: 'replace', path: '/draft', value: 'Hi, ring [REDACTED:phone] or mail [REDACTED:email]' },
      { op: 'remove', path: '/note' },
    ]);
    expect(data.reason).toBe('fixed the address for [REDACTED:email]');
    expect(data.redactions).toMatchObject({ total: 6, paths: ['$.customer.email', '$.customer.name'] });
    expect((data.redactions as { locations: string[] }).locations).toContain('/diff/1/value/name');
  });

  it('leaves data without payloads exactly as it was (no redactions key)', () => {
    const data = { workflowId: 'w', key: 'refund-triage', owners: ['ops@example.com'], idempotencyKey: 'k-555-123-4567' };
    expect(redactAuditData(data, undefined).data).toEqual(data);
  });

  it("redacts an error's message and free-text notes with the detectors", () => {
    const { data } = redactAuditData({ error: { code: 'AGENT_FAILED', message: 'bad input for 4111 1111 1111 1111' }, note: 'customer is 123-45-6789' }, undefined);
    expect(data).toMatchObject({ error: { code: 'AGENT_FAILED', message: 'bad input for [REDACTED:card]' }, note: 'customer is [REDACTED:national_id]' });
  });
});
