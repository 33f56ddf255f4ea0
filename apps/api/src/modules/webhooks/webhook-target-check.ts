import { DomainError, hostOf, isIpLiteral, isPublicAddress, validateWebhookUrl, type WebhookTargetPolicy } from '@gatehouse/domain';
import { lookup } from 'node:dns/promises';

/**
 * The URL check of the domain, plus what it cannot do without I/O: where private targets are
 * refused, a host name must resolve, and only to public addresses (the runner checks again
 * before every send, as DNS can change).
 */
export async function assertAllowedWebhookTarget(url: string, policy: WebhookTargetPolicy): Promise<void> {
  const parsed = validateWebhookUrl(url, policy);
  if (policy.allowPrivate) return;
  const host = hostOf(parsed);
  if (isIpLiteral(host)) return;
  let addresses: Array<{ address: string }>;
  try {
    addresses = await lookup(host, { all: true });
  } catch {
    throw new DomainError('invalid_input', `The webhook URL's host ${host} does not resolve; check the name.`, { field: 'url', reason: 'unresolvable_host' });
  }
  const internal = addresses.find((a) => !isPublicAddress(a.address));
  if (internal) {
    throw new DomainError('invalid_input', `The webhook URL's host ${host} resolves to the private or loopback address ${internal.address}; only public targets are allowed here (see WEBHOOK_ALLOW_PRIVATE_TARGETS).`, { field: 'url', reason: 'private_target' });
  }
}
