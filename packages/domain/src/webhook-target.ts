import { DomainError } from './errors.js';

export const MAX_WEBHOOK_URL_LENGTH = 2048;

/**
 * A subscription's URL as the API accepts it: http(s) only, no credentials in it (they would
 * be shown to everyone who may list subscriptions), at most 2,048 characters. `allowPrivate`
 * false (production, unless configured) also refuses loopback, private, link-local and other
 * non-public literal addresses and local host names: an endpoint registered through the API
 * must not turn the dispatcher into a way to reach the internal network (SSRF). Host names are
 * resolved by the caller and their addresses checked with isPublicAddress.
 */
export function validateWebhookUrl(raw: string, options: { allowPrivate: boolean }): URL {
  const text = raw.trim();
  const bad = (why: string) => new DomainError('invalid_input', `The webhook URL ${why}.`, { field: 'url' });
  if (!text) throw bad('is required');
  if (text.length > MAX_WEBHOOK_URL_LENGTH) throw bad(`is longer than ${MAX_WEBHOOK_URL_LENGTH} characters`);
  if (!URL.canParse(text)) throw bad('is not a valid URL');
  const url = new URL(text);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw bad(`must use http or https, not ${url.protocol.replace(':', '')}`);
  if (url.username || url.password) throw bad('must not contain credentials; authenticate the request with its signature instead');
  if (!options.allowPrivate) {
    const host = hostOf(url);
    if (isLocalHostName(host) || (isIpLiteral(host) && !isPublicAddress(host))) {
      throw new DomainError('invalid_input', `The webhook URL points at a private or loopback address (${host}); only public targets are allowed here (see WEBHOOK_ALLOW_PRIVATE_TARGETS).`, { field: 'url', reason: 'private_target' });
    }
  }
  return url;
}

/** The host without IPv6 brackets. */
export function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

function isLocalHostName(host: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  return h === 'localhost' || h.endsWith('.localhost') || h.endsWith('.local') || h.endsWith('.internal') || (!h.includes('.') && !isIpLiteral(h));
}

export function isIpLiteral(host: string): boolean {
  return parseIpv4(host) !== null || host.includes(':');
}

/** True for a globally routable unicast address; false for anything else or what is not an address. */
export function isPublicAddress(address: string): boolean {
  const v4 = parseIpv4(address);
  if (v4) return isPublicIpv4(v4);
  const v6 = parseIpv6(address);
  if (!v6) return false;
  // IPv4-mapped (::ffff:a.b.c.d) and IPv4-compatible forms are judged by the IPv4 address.
  if (v6.slice(0, 5).every((w) => w === 0) && (v6[5] === 0xffff || v6[5] === 0)) {
    if (v6[5] === 0 && v6[6] === 0 && (v6[7]! <= 1)) return false; // :: and ::1
    return isPublicIpv4([v6[6]! >> 8, v6[6]! & 0xff, v6[7]! >> 8, v6[7]! & 0xff]);
  }
  const first = v6[0]!;
  if ((first & 0xfe00) === 0xfc00) return false; // fc00::/7 unique local
  if ((first & 0xffc0) === 0xfe80) return false; // fe80::/10 link-local
  if ((first & 0xffc0) === 0xfec0) return false; // fec0::/10 site-local (deprecated)
  if ((first & 0xff00) === 0xff00) return false; // multicast
  if (first === 0x2001 && v6[1] === 0x0db8) return false; // documentation
  if (first === 0x0064 && v6[1] === 0xff9b) return isPublicIpv4([v6[6]! >> 8, v6[6]! & 0xff, v6[7]! >> 8, v6[7]! & 0xff]); // NAT64
  return true;
}

function isPublicIpv4([a, b, c]: number[]): boolean {
  if (a === 0 || a === 10 || a === 127) return false;
  if (a === 100 && b! >= 64 && b! <= 127) return false; // carrier-grade NAT
  if (a === 169 && b === 254) return false; // link-local, cloud metadata
  if (a === 172 && b! >= 16 && b! <= 31) return false;
  if (a === 192 && b === 168) return false;
  if (a === 192 && b === 0 && (c === 0 || c === 2)) return false;
  if (a === 198 && (b === 18 || b === 19)) return false; // benchmarking
  if (a === 198 && b === 51 && c === 100) return false;
  if (a === 203 && b === 0 && c === 113) return false;
  return a! < 224; // multicast, reserved, broadcast
}

function parseIpv4(text: string): number[] | null {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p))) return null;
  const nums = parts.map(Number);
  return nums.every((n) => n <= 255) ? nums : null;
}

function parseIpv6(text: string): number[] | null {
  let s = text.toLowerCase().replace(/%.*$/, '');
  // A trailing dotted IPv4 part becomes two hex words.
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (v4) {
    const q = parseIpv4(v4[1]!);
    if (!q) return null;
    s = `${s.slice(0, -v4[1]!.length)}${((q[0]! << 8) | q[1]!).toString(16)}:${((q[2]! << 8) | q[3]!).toString(16)}`;
  }
  const halves = s.split('::');
  if (halves.length > 2) return null;
  const words = (part: string) => (part === '' ? [] : part.split(':'));
  const head = words(halves[0]!);
  const tail = halves.length === 2 ? words(halves[1]!) : [];
  const fill = halves.length === 2 ? 8 - head.length - tail.length : 0;
  if (fill < 0 || (halves.length === 1 && head.length !== 8)) return null;
  const all = [...head, ...Array<string>(fill).fill('0'), ...tail];
  if (all.length !== 8 || !all.every((w) => /^[0-9a-f]{1,4}$/.test(w))) return null;
  return all.map((w) => parseInt(w, 16));
}
