import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { MetricsAccess } from './telemetry-env.js';

/** Serves the registry in Prometheus' text format to whoever `access` lets in. */
export function metricsHandler(registry: Registry, access: MetricsAccess) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (access.kind !== 'open' && !(access.kind === 'token' && bearerMatches(req.headers.authorization, access.token))) {
      const why = access.kind === 'closed' ? 'metrics are not public in production; set METRICS_TOKEN and send it as a bearer token' : 'send the metrics token: Authorization: Bearer <METRICS_TOKEN>';
      res.writeHead(401, { 'content-type': 'text/plain; charset=utf-8', 'www-authenticate': 'Bearer realm="metrics"' }).end(`Unauthorized: ${why}.\n`);
      return;
    }
    try {
      const body = await registry.metrics();
      res.writeHead(200, { 'content-type': registry.contentType, 'cache-control': 'no-store' }).end(body);
    } catch (error) {
      res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end(`Could not collect metrics: ${error instanceof Error ? error.message : String(error)}\n`);
    }
  };
}

function bearerMatches(header: string | undefined, token: string): boolean {
  const match = /^Bearer\s+(.+)$/i.exec(header ?? '');
  if (!match) return false;
  const given = Buffer.from(match[1]!.trim());
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export interface MetricsServer {
  readonly port: number;
  close(): Promise<void>;
}

/** A listener of its own that serves only GET /metrics (the runner has no other HTTP server). */
export async function startMetricsServer(options: { registry: Registry; access: MetricsAccess; port: number; host: string }): Promise<MetricsServer> {
  const handle = metricsHandler(options.registry, options.access);
  const server: Server = createServer((req, res) => {
    if (req.method === 'GET' && (req.url === '/metrics' || req.url?.startsWith('/metrics?'))) return void handle(req, res);
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found: this listener serves GET /metrics only.\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
