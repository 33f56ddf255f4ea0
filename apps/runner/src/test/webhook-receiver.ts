import { verifyWebhookSignature } from '@gatehouse/domain';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  at: number;
  deliveryId: string;
  eventType: string;
  signatureValid: boolean;
  raw: string;
  body: { id: string; type: string; occurredAt: string; workflowKey: string; runId: string | null; data: Record<string, unknown> };
}

export interface WebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  /** Status to answer per request (default 200), or 'hang' to never answer. */
  respond: (req: ReceivedWebhook, nth: number) => number | 'hang';
  /** Wait before answering (to make concurrent sends overlap, if they ever happened). */
  delayMs: number;
  /** Most requests for one delivery id that were in flight at the same moment. */
  maxConcurrentPerDelivery(): number;
  close(): Promise<void>;
}

/** An integrator's endpoint: verifies the signature with the shared verify function and records every request. */
export async function startWebhookReceiver(secretFor: () => string): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const inFlight = new Map<string, number>();
  let maxConcurrent = 0;
  const hanging = new Set<IncomingMessage>();
  const receiver: WebhookReceiver = {
    url: '',
    received,
    respond: () => 200,
    delayMs: 0,
    maxConcurrentPerDelivery: () => maxConcurrent,
    close: () =>
      new Promise((resolve) => {
        for (const req of hanging) req.socket.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const entry: ReceivedWebhook = {
        at: Date.now(),
        deliveryId: String(req.headers['x-gatehouse-delivery'] ?? ''),
        eventType: String(req.headers['x-gatehouse-event'] ?? ''),
        signatureValid: verifyWebhookSignature({ secret: secretFor(), timestampHeader: req.headers['x-gatehouse-timestamp'], signatureHeader: req.headers['x-gatehouse-signature'], body: raw }),
        raw,
        body: JSON.parse(raw) as ReceivedWebhook['body'],
      };
      received.push(entry);
      const nth = received.filter((r) => r.deliveryId === entry.deliveryId).length;
      const now = (inFlight.get(entry.deliveryId) ?? 0) + 1;
      inFlight.set(entry.deliveryId, now);
      maxConcurrent = Math.max(maxConcurrent, now);
      const status = receiver.respond(entry, nth);
      if (status === 'hang') {
        hanging.add(req);
        return;
      }
      setTimeout(() => {
        inFlight.set(entry.deliveryId, (inFlight.get(entry.deliveryId) ?? 1) - 1);
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ received: status < 300, nth }));
      }, receiver.delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  return receiver;
}
