import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AgentStep, JsonValue } from '@gatehouse/domain';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAgentExecutor, parsePriceTable, promptVersionOf, type AgentExecutor } from './agent-executor.js';

const API_KEY = 'sk-test-0123456789abcdef';

/** A small OpenAI-compatible provider: records requests, answers with whatever the test sets. */
interface Recorded {
  authorization: string | undefined;
  body: any;
}
type Reply = (req: IncomingMessage, res: ServerResponse) => void;

let server: Server;
let baseURL: string;
let requests: Recorded[] = [];
let reply: Reply;
const hanging = new Set<ServerResponse>();

function completion(content: string | null, extra: Record<string, unknown> = {}): Reply {
  return (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        id: 'chatcmpl-1',
        object: 'chat.completion',
        created: 1_700_000_000,
        model: 'test-model-2024-01-01',
        choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content, refusal: null } }],
        usage: { prompt_tokens: 1200, completion_tokens: 300, total_tokens: 1500 },
        ...extra,
      }),
    );
  };
}

function errorReply(status: number, message: string): Reply {
  return (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json', 'x-request-id': 'req_abc' });
    res.end(JSON.stringify({ error: { message, type: 'test_error', code: `code_${status}` } }));
  };
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const body = text ? JSON.parse(text) : null;
      requests.push({ authorization: req.headers.authorization, body });
      if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
        res.writeHead(404).end();
        return;
      }
      if (req.headers.authorization !== `Bearer ${API_KEY}`) {
        // Like the real provider, echo (part of) the key back: the executor must not pass it on.
        errorReply(401, `Incorrect API key provided: ${req.headers.authorization?.slice(7) ?? ''}`)(req, res);
        return;
      }
      if (body?.response_format?.type !== 'json_schema') {
        errorReply(400, 'response_format.type must be json_schema in this test')(req, res);
        return;
      }
      reply(req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});

afterAll(async () => {
  for (const res of hanging) res.destroy();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  requests = [];
  reply = completion('{}');
});

const outputSchema = {
  type: 'object',
  required: ['category', 'confidence'],
  properties: { category: { type: 'string', enum: ['billing', 'other'] }, confidence: { type: 'number' } },
  additionalProperties: false,
};

function step(overrides: Partial<AgentStep> = {}): AgentStep {
  return {
    id: 'classify',
    kind: 'agent',
    provider: 'openai',
    model: 'test-model',
    prompt: 'Classify the message from {{input.customer.name}}. Earlier: {{steps.extract.summary}}',
    outputSchema,
    minConfidence: 0.8,
    ...overrides,
  };
}

const scope: { input: JsonValue; steps: Record<string, JsonValue> } = {
  input: { customer: { name: 'Ada' }, message: 'I was charged twice' },
  steps: { extract: { summary: 'double charge' } },
};

function executor(overrides: { apiKey?: string; timeoutMs?: number } = {}): AgentExecutor {
  return createAgentExecutor({
    baseURL,
    apiKey: overrides.apiKey ?? API_KEY,
    timeoutMs: overrides.timeoutMs ?? 5_000,
    prices: { 'test-model': { inputPerMillionUsd: 0.15, outputPerMillionUsd: 0.6 } },
  });
}

describe('agent executor against an OpenAI-compatible server', () => {
  it('sends the rendered prompt and records output, tokens, cost, prompt version and confidence', async () => {
    reply = completion(JSON.stringify({ category: 'billing', confidence: 0.62 }));
    const outcome = await executor().run(step(), scope);

    expect(outcome).toMatchObject({
      ok: true,
      output: { category: 'billing', confidence: 0.62 },
      trace: {
        provider: 'openai',
        model: 'test-model-2024-01-01',
        promptVersion: promptVersionOf(step().prompt),
        tokensIn: 1200,
        tokensOut: 300,
        // 1200 × 0.15 / 1e6 + 300 × 0.6 / 1e6
        costUsd: 0.00036,
        // Below minConfidence (0.8) is still a success here: routing it out is the runner's call.
        confidence: 0.62,
      },
    });
    expect(outcome.trace.promptVersion).toMatch(/^[0-9a-f]{16}$/);
    expect(outcome.trace.latencyMs).toBeGreaterThanOrEqual(0);

    expect(requests).toHaveLength(1);
    const sent = requests[0]!.body;
    expect(sent.model).toBe('test-model');
    expect(sent.messages).toEqual([
      { role: 'system', content: 'Classify the message from Ada. Earlier: double charge' },
      { role: 'user', content: JSON.stringify(scope.input) },
    ]);
    expect(sent.response_format).toEqual({
      type: 'json_schema',
      json_schema: { name: 'step_output', schema: outputSchema, strict: false },
    });
  });

  it('reports null confidence and null cost when the output has none and the model has no price', async () => {
    const schema = { type: 'object', required: ['category'], properties: { category: { type: 'string' } } };
    reply = completion(JSON.stringify({ category: 'other' }), { model: 'unpriced-model' });
    const outcome = await executor().run(step({ model: 'unpriced-model', outputSchema: schema }), scope);
    expect(outcome).toMatchObject({ ok: true, trace: { confidence: null, costUsd: null, tokensIn: 1200 } });
  });

  it('turns a reply that violates the output schema into invalid_output with the issues', async () => {
    reply = completion(JSON.stringify({ category: 'shipping', confidence: 0.9 }));
    const outcome = await executor().run(step(), scope);
    expect(outcome).toMatchObject({ ok: false, reason: 'invalid_output', retryable: false });
    if (outcome.ok) throw new Error('unreachable');
    expect(outcome.details?.['issues']).toEqual([expect.objectContaining({ path: '/category' })]);
    expect(outcome.message).toContain('/category');
    // The call was made and paid for: the trace still says so.
    expect(outcome.trace).toMatchObject({ tokensIn: 1200, tokensOut: 300, costUsd: 0.00036 });
  });

  it('turns non-JSON content into invalid_output', async () => {
    reply = completion('Sure! The category is billing.');
    const outcome = await executor().run(step(), scope);
    expect(outcome).toMatchObject({ ok: false, reason: 'invalid_output', retryable: false });
    if (outcome.ok) throw new Error('unreachable');
    expect(outcome.details?.['content']).toBe('Sure! The category is billing.');
  });

  it('turns a refusal into invalid_output', async () => {
    reply = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          id: 'x',
          model: 'test-model',
          choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: null, refusal: 'I cannot help with that.' } }],
        }),
      );
    };
    const outcome = await executor().run(step(), scope);
    expect(outcome).toMatchObject({ ok: false, reason: 'invalid_output', retryable: false });
    if (outcome.ok) throw new Error('unreachable');
    expect(outcome.message).toContain('I cannot help with that.');
  });

  it.each([
    [500, 'The server had an error while processing your request.'],
    [429, 'Rate limit reached for requests'],
  ])('classifies HTTP %i as a retryable model_error, once (no SDK retries)', async (status, text) => {
    reply = errorReply(status, text);
    const outcome = await executor().run(step(), scope);
    expect(outcome).toMatchObject({ ok: false, reason: 'model_error', retryable: true, details: { status } });
    if (outcome.ok) throw new Error('unreachable');
    expect(outcome.message).toContain(String(status));
    expect(outcome.message).toContain(text);
    expect(requests).toHaveLength(1);
  });

  it('classifies a bad key (401) as a non-retryable model_error without leaking the key', async () => {
    const wrongKey = 'sk-wrong-key-9876543210';
    const outcome = await executor({ apiKey: wrongKey }).run(step(), scope);
    expect(outcome).toMatchObject({ ok: false, reason: 'model_error', retryable: false, details: { status: 401 } });
    if (outcome.ok) throw new Error('unreachable');
    expect(outcome.message).toContain('401');
    expect(outcome.message).toContain('Incorrect API key provided');
    // The server echoed the key; it reaches the reviewer redacted.
    expect(outcome.message).toContain('[redacted]');
    expect(JSON.stringify(outcome)).not.toContain(wrongKey);
  });

  it('classifies a bad request (400) as a non-retryable model_error', async () => {
    reply = errorReply(400, "Invalid schema for response_format 'step_output'");
    const outcome = await executor().run(step(), scope);
    expect(outcome).toMatchObject({ ok: false, reason: 'model_error', retryable: false, details: { status: 400 } });
  });

  it('reports a provider that never answers as a retryable timeout', async () => {
    reply = (_req, res) => {
      hanging.add(res);
    };
    const outcome = await executor({ timeoutMs: 300 }).run(step(), scope);
    expect(outcome).toMatchObject({ ok: false, reason: 'timeout', retryable: true });
    if (outcome.ok) throw new Error('unreachable');
    expect(outcome.message).toContain('300 ms');
  });

  it('stops when the caller aborts', async () => {
    reply = (_req, res) => {
      hanging.add(res);
    };
    const controller = new AbortController();
    const pending = executor({ timeoutMs: 30_000 }).run(step(), scope, controller.signal);
    setTimeout(() => controller.abort(), 50);
    expect(await pending).toMatchObject({ ok: false, reason: 'timeout', retryable: true });
  });

  it('reports an unreachable provider as a retryable model_error', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const outcome = await createAgentExecutor({ baseURL: `http://127.0.0.1:${port}/v1`, apiKey: API_KEY, timeoutMs: 2_000, prices: {} }).run(
      step(),
      scope,
    );
    expect(outcome).toMatchObject({ ok: false, reason: 'model_error', retryable: true });
  });

  it('reports missing template data as missing_data without calling the model', async () => {
    const outcome = await executor().run(step(), { input: { customer: {} }, steps: {} });
    expect(outcome).toMatchObject({
      ok: false,
      reason: 'missing_data',
      retryable: false,
      details: { missing: ['input.customer.name', 'steps.extract.summary'] },
    });
    expect(requests).toHaveLength(0);
  });

  it('derives the prompt version from the template: stable across inputs, new when the template changes', async () => {
    reply = completion(JSON.stringify({ category: 'other', confidence: 0.9 }));
    const first = await executor().run(step(), scope);
    const otherInput = await executor().run(step(), {
      input: { customer: { name: 'Grace' } },
      steps: { extract: { summary: 'question' } },
    });
    const changed = await executor().run(step({ prompt: `${step().prompt} Answer in JSON.` }), scope);
    expect(first.trace.promptVersion).toBe(otherInput.trace.promptVersion);
    expect(changed.trace.promptVersion).not.toBe(first.trace.promptVersion);
    expect(requests.map((r) => r.body.messages[0].content)).toEqual([
      'Classify the message from Ada. Earlier: double charge',
      'Classify the message from Grace. Earlier: question',
      'Classify the message from Ada. Earlier: double charge Answer in JSON.',
    ]);
  });
});

describe('parsePriceTable', () => {
  it('reads the table and treats unset as empty', () => {
    expect(parsePriceTable(undefined)).toEqual({});
    expect(parsePriceTable('  ')).toEqual({});
    expect(parsePriceTable('{"m":{"inputPerMillionUsd":0.15,"outputPerMillionUsd":0.6}}')).toEqual({
      m: { inputPerMillionUsd: 0.15, outputPerMillionUsd: 0.6 },
    });
  });

  it('names the bad entry', () => {
    expect(() => parsePriceTable('{"gpt-x":{"inputPerMillionUsd":"cheap","outputPerMillionUsd":1}}')).toThrow(
      /entry "gpt-x" \(inputPerMillionUsd\)/,
    );
    expect(() => parsePriceTable('{"gpt-y":{"inputPerMillionUsd":1}}')).toThrow(/entry "gpt-y" \(outputPerMillionUsd\)/);
    expect(() => parsePriceTable('{"gpt-z":{"inputPerMillionUsd":-1,"outputPerMillionUsd":1}}')).toThrow(/gpt-z/);
    expect(() => parsePriceTable('[1]')).toThrow(/AGENT_PRICES_JSON/);
    expect(() => parsePriceTable('{oops')).toThrow(/AGENT_PRICES_JSON is not valid JSON/);
  });
});
