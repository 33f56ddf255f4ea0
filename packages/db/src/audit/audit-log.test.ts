import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AUDIT_GENESIS_HASH, computeAuditHash, type AuditEventBody } from './audit-log.js';

const body: AuditEventBody = {
  seq: 1,
  id: '3b241101-e2bb-4255-8caf-4136c566a962',
  occurredAt: '2024-11-26T00:00:00.000Z',
  actorId: null,
  actorRole: 'owner',
  action: 'workflow.created',
  subjectType: 'workflow',
  subjectId: 'invoice-triage',
  scopeIds: ['w1'],
  data: { name: 'Invoice triage', limits: { retries: 3, confidence: 0.8 } },
};

describe('computeAuditHash', () => {
  it('hashes the previous hash, a newline and the canonical (sorted-key) JSON of the body', () => {
    const canonical =
      '{"action":"workflow.created","actorId":null,"actorRole":"owner",' +
      '"data":{"limits":{"confidence":0.8,"retries":3},"name":"Invoice triage"},' +
      '"id":"3b241101-e2bb-4255-8caf-4136c566a962","occurredAt":"2024-11-26T00:00:00.000Z",' +
      '"scopeIds":["w1"],"seq":1,"subjectId":"invoice-triage","subjectType":"workflow"}';
    const expected = createHash('sha256').update(`${AUDIT_GENESIS_HASH}\n${canonical}`).digest('hex');
    expect(computeAuditHash(AUDIT_GENESIS_HASH, body)).toBe(expected);
  });

  it('does not depend on key order and ignores properties outside the body', () => {
    const reordered = { ...body, data: { limits: { confidence: 0.8, retries: 3 }, name: 'Invoice triage' } };
    const withExtras = { ...body, hash: 'x', prevHash: 'y' } as AuditEventBody;
    expect(computeAuditHash(AUDIT_GENESIS_HASH, reordered)).toBe(computeAuditHash(AUDIT_GENESIS_HASH, body));
    expect(computeAuditHash(AUDIT_GENESIS_HASH, withExtras)).toBe(computeAuditHash(AUDIT_GENESIS_HASH, body));
  });

  it.each<[string, Partial<AuditEventBody>]>([
    ['seq', { seq: 2 }],
    ['actorId', { actorId: '00000000-0000-4000-8000-000000000001' }],
    ['occurredAt', { occurredAt: '2024-11-26T00:00:00.001Z' }],
    ['scopeIds order', { scopeIds: ['w1', 'w2'] }],
    ['nested data', { data: { ...body.data, limits: { retries: 4, confidence: 0.8 } } }],
  ])('changes when %s changes', (_field, change) => {
    expect(computeAuditHash(AUDIT_GENESIS_HASH, { ...body, ...change })).not.toBe(
      computeAuditHash(AUDIT_GENESIS_HASH, body),
    );
  });

  it('changes when the previous hash changes', () => {
    expect(computeAuditHash('f'.repeat(64), body)).not.toBe(computeAuditHash(AUDIT_GENESIS_HASH, body));
  });
});
