#!/usr/bin/env node
// The demo's stand-in for the systems actions reach (ticketing, payments): verifies each
// webhook's signature, answers a repeated Idempotency-Key with the first answer instead of
// acting again (what a real receiver must do), and logs every action it takes.
import { createServer } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { verifyActionSignature } = await import(path.join(root, 'apps/runner/dist/executors/action-webhook.js'));
const { DEVELOPMENT_ACTION_SECRET } = await import(path.join(root, 'apps/runner/dist/env.js'));

const port = Number(process.env.DEMO_ACTIONS_PORT ?? 4010);
const secret = process.env.ACTION_WEBHOOK_SECRET || DEVELOPMENT_ACTION_SECRET;
const done = new Map();
const log = (msg) => process.stdout.write(`[demo-actions] ${msg}\n`);

const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    const ok = verifyActionSignature({ secret, timestampHeader: req.headers['x-gatehouse-timestamp'], signatureHeader: req.headers['x-gatehouse-signature'], body });
    if (!ok) {
      log('refused a request with a bad or stale signature');
      return res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"bad signature"}');
    }
    const key = String(req.headers['idempotency-key'] ?? '');
    if (done.has(key)) return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ...done.get(key), duplicate: true }));
    const action = JSON.parse(body);
    const answer = { accepted: true, reference: `demo-${done.size + 1}` };
    done.set(key, answer);
    log(`${action.action} for run ${action.runId} (key ${key})`);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
  });
});
server.listen(port, '127.0.0.1', () => log(`listening on http://127.0.0.1:${port}/actions`));
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
