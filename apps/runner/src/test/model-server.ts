import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ModelServer {
  baseURL: string;
  requests: Array<{ model: string; messages: Array<{ role: string; content: string }> }>;
  /** The JSON the model answers with, or an HTTP status to fail with. */
  answer: () => Record<string, unknown> | number;
  close(): Promise<void>;
}

/** A small OpenAI-compatible chat completions endpoint for runner tests. */
export async function startModelServer(): Promise<ModelServer> {
  const model: ModelServer = { baseURL: '', requests: [], answer: () => ({}), close: async () => undefined };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ModelServer['requests'][number];
      model.requests.push(body);
      const answer = model.answer();
      if (typeof answer === 'number') {
        res.writeHead(answer, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: `test failure ${answer}` } }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          id: 'chatcmpl-test',
          object: 'chat.completion',
          created: 1_700_000_000,
          model: body.model,
          choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: JSON.stringify(answer), refusal: null } }],
          usage: { prompt_tokens: 1000, completion_tokens: 200, total_tokens: 1200 },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  model.baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  model.close = () => new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
  return model;
}
