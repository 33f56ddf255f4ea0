import type http from 'node:http';
import proxyAddr from 'proxy-addr';

/** The address a request came from, as the per-IP rate limit and the request log count it. */
export type ClientIp = (req: http.IncomingMessage) => string;

/**
 * The client address behind `trustProxyHops` proxies: the hop'th address from the right of
 * X-Forwarded-For, exactly what Express's `trust proxy` = hops computes for `req.ip` (the same
 * proxy-addr, with Express's own trust function for a number). With 0 hops the header is
 * ignored: a client cannot pick the address it is limited by.
 */
export function clientIpResolver(trustProxyHops: number): ClientIp {
  if (trustProxyHops <= 0) return (req) => req.socket.remoteAddress ?? 'unknown';
  const trust = (_address: string, hop: number) => hop < trustProxyHops;
  return (req) => proxyAddr(req, trust);
}
