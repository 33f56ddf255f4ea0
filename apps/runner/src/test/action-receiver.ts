import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyActionSignature } from '../executors/action-webhook.js';

export interface ReceivedAction {
  idempotencyKey: string;
  signatureValid: boolean;
  body: { action: string; args: unknown; runId: string; stepId: string; idempotencyKey: string };
}

export interface ActionReceiver {
  url: string;
  received: ReceivedAction[];
  /** Distinct idempotency keys per run id: exactly-once means one key per action. */
  keysByRun(): Map<string, Set<string>>;
  /** Answer with this status (default 200); may change per request. */
  respond: (req: ReceivedAction) => number | 'hang';
  /** Wait this long before answering, so a crash can land while an action is in flight. */
  delayMs: number;
  close(): Promise<void>;
}

/** A webhook receiver like an integrator's: verifies the signature and records every call. */
export async function startActionReceiver(secret: string): Promise<ActionReceiver> {
  const received: ReceivedAction[] = [];
  const hanging = new Set<IncomingMessage>();
  const receiver: ActionReceiver = {
    url: '',
    received,
    respond: () => 200,
    delayMs: 0,
    keysByRun: () => {
      const map = new Map<string, Set<string>>();
      for (const r of received) {
        if (!map.has(r.body.runId)) map.set(r.body.runId, new Set());
        map.get(r.body.runId)!.add(r.idempotencyKey);
      }
      return map;
    },
    close: () => new Promise((resolve) => {
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
      const entry: ReceivedAction = {
        idempotencyKey: String(req.headers['idempotency-key'] ?? ''),
        signatureValid: verifyActionSignature({ secret, timestampHeader: req.headers['x-gatehouse-timestamp'], signatureHeader: req.headers['x-gatehouse-signature'], body: raw }),
        body: JSON.parse(raw) as ReceivedAction['body'],
      };
      received.push(entry);
      const status = receiver.respond(entry);
      if (status === 'hang') {
        hanging.add(req);
        return;
      }
      const answer = () => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: status < 300, key: entry.idempotencyKey }));
      if (receiver.delayMs > 0) setTimeout(answer, receiver.delayMs);
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/actions`;
  return receiver;
}
