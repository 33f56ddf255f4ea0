import { describe, expect, it } from 'vitest';
import { expectDomainError } from './test/fixtures.js';
import { isPublicAddress, validateWebhookUrl } from './webhook-target.js';

describe('validateWebhookUrl', () => {
  it('accepts http(s) URLs and refuses other schemes, credentials, garbage and overlong URLs', () => {
    expect(validateWebhookUrl(' https://hooks.example.com/gatehouse?x=1 ', { allowPrivate: false }).toString()).toBe('https://hooks.example.com/gatehouse?x=1');
    expect(expectDomainError(() => validateWebhookUrl('ftp://example.com/x', { allowPrivate: true }), 'invalid_input').message).toMatch(/http or https/);
    expect(expectDomainError(() => validateWebhookUrl('not a url', { allowPrivate: true }), 'invalid_input').message).toMatch(/not a valid URL/);
    expect(expectDomainError(() => validateWebhookUrl('https://user:pw@example.com/', { allowPrivate: true }), 'invalid_input').message).toMatch(/credentials/);
    expectDomainError(() => validateWebhookUrl(`https://example.com/${'a'.repeat(2100)}`, { allowPrivate: true }), 'invalid_input');
  });

  it('refuses private, loopback and local targets unless allowed', () => {
    for (const url of ['http://127.0.0.1:4010/', 'http://localhost/', 'http://10.1.2.3/', 'http://169.254.169.254/latest/meta-data', 'http://[::1]/', 'http://[::ffff:127.0.0.1]/', 'http://2130706433/', 'http://0x7f.1/', 'http://192.168.1.10/', 'http://[fd00::1]/', 'http://db/', 'http://metadata.internal/']) {
      const error = expectDomainError(() => validateWebhookUrl(url, { allowPrivate: false }), 'invalid_input');
      expect(error.details).toMatchObject({ reason: 'private_target' });
      expect(() => validateWebhookUrl(url, { allowPrivate: true })).not.toThrow();
    }
  });
});

describe('isPublicAddress', () => {
  it('classifies IPv4 and IPv6 addresses', () => {
    expect(isPublicAddress('93.184.216.34')).toBe(true);
    expect(isPublicAddress('2606:2800:220:1:248:1893:25c8:1946')).toBe(true);
    for (const a of ['127.0.0.1', '10.0.0.1', '172.16.5.4', '192.168.0.1', '100.64.0.1', '0.0.0.0', '169.254.1.1', '224.0.0.1', '::1', '::', 'fe80::1', 'fc00::1', '::ffff:10.0.0.1', '64:ff9b::a00:1', 'nonsense']) {
      expect(isPublicAddress(a), a).toBe(false);
    }
  });
});
