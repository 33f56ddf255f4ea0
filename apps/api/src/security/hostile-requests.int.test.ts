import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_GRAPHQL_LIMITS } from '../graphql/armor.js';
import { KEYS, publishedWorkflow } from '../test/fixtures.js';
import { countRows, startTestApi, type TestApi } from '../test/test-api.js';

/**
 * Requests written to hurt the server. Each one must be answered with a 4xx, or a 200 whose
 * errors all carry a client code: never a 5xx, never INTERNAL_SERVER_ERROR, never a hang.
 * After all of them the server still answers and nothing was written.
 */

let api: TestApi;
let runId: string;
let rowsBefore: Record<string, number>;

const WRITTEN_TABLES = ['workflows', 'workflow_versions', 'runs', 'approvals', 'exception_items', 'api_keys', 'principals'];

async function rowCounts(): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of WRITTEN_TABLES) counts[table] = await countRows(api.ds, table);
  // The sealer moves staged audit events onto the chain in the background: count both together.
  counts.audit = (await countRows(api.ds, 'audit_events')) + (await countRows(api.ds, 'audit_pending'));
  return counts;
}

interface Answer {
  status: number;
  text: string;
  body: { data?: unknown; errors?: Array<{ message: string; extensions?: { code?: string } }> } | null;
}

async function send(init: { method?: string; body?: string | Buffer; headers?: Record<string, string>; query?: string }): Promise<Answer> {
  const url = init.query === undefined ? api.graphqlUrl : `${api.graphqlUrl}?${init.query}`;
  const res = await fetch(url, {
    method: init.method ?? 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': KEYS.admin, ...init.headers },
    ...(init.body === undefined ? {} : { body: init.body }),
  });
  const text = await res.text();
  let body: Answer['body'] = null;
  try {
    body = JSON.parse(text) as Answer['body'];
  } catch {
    body = null;
  }
  return { status: res.status, text, body };
}

function gqlBody(query: string, variables?: unknown): string {
  return JSON.stringify({ query, variables });
}

/** The contract every hostile request is held to; returns the error codes for finer checks. */
function expectRefusedCleanly(answer: Answer): string[] {
  const context = `${answer.status} ${answer.text.slice(0, 400)}`;
  expect(answer.status, context).toBeGreaterThanOrEqual(200);
  expect(answer.status, context).toBeLessThan(500);
  expect(answer.text, context).not.toMatch(/INTERNAL_SERVER_ERROR|stacktrace|\bat .+\.(js|ts):\d+/);
  if (answer.status >= 400) {
    // Our error bodies are JSON with a code, whatever refused the request.
    expect(answer.body?.errors?.[0]?.extensions?.code, context).toMatch(/^[A-Z_]+$/);
  }
  const codes = (answer.body?.errors ?? []).map((e) => e.extensions?.code ?? 'NONE');
  for (const code of codes) expect(code, context).not.toBe('NONE');
  return codes;
}

/** Client-side refusal: some GraphQL error code, and no data for a top-level refusal. */
function expectErrorCode(answer: Answer, code: string | RegExp): void {
  const codes = expectRefusedCleanly(answer);
  expect(codes.length, answer.text.slice(0, 400)).toBeGreaterThan(0);
  expect(codes[0]).toMatch(typeof code === 'string' ? new RegExp(`^${code}$`) : code);
}

beforeAll(async () => {
  api = await startTestApi();
  await publishedWorkflow(api, 'hostile-wf');
  const started = await api.ok<{ startRun: { run: { id: string } } }>(
    KEYS.integrator,
    `mutation ($input: JSON!) { startRun(workflowKey: "hostile-wf", input: $input, idempotencyKey: "hostile-1") { run { id } } }`,
    { input: { ticketId: 'T-1', customerEmail: 'sam@example.com', message: 'hello' } },
  );
  runId = started.startRun.run.id;
  rowsBefore = await rowCounts();
});

afterAll(async () => {
  await api.close();
});

describe('documents built to make the server work', () => {
  it('deep nesting through a cycle (run → approvals → run …) is refused before execution', async () => {
    let selection = 'id';
    for (let i = 0; i < 40; i++) selection = i % 2 === 0 ? `approvals { ${selection} }` : `run { ${selection} }`;
    const answer = await send({ body: gqlBody(`query ($id: ID!) { run(id: $id) { ${selection} } }`, { id: runId }) });
    expectErrorCode(answer, 'GRAPHQL_VALIDATION_FAILED');
    expect(answer.status).toBe(400);
    expect(answer.body?.errors?.map((e) => e.message)).toContain('Query depth limit of 12 exceeded, found 42.');
  });

  it('one document nested thousands of braces deep is refused without overflowing the parser', async () => {
    const depth = 50_000;
    const answer = await send({ body: gqlBody(`${'{ me '.repeat(depth)}${'}'.repeat(depth)}`) });
    expectErrorCode(answer, 'GRAPHQL_PARSE_FAILED');
    expect(answer.text).toMatch(/contains more th.. 2000 tokens/);
  });

  it('an alias bomb is refused', async () => {
    const aliases = Array.from({ length: 1_000 }, (_, i) => `a${i}: workflows { key }`).join(' ');
    const answer = await send({ body: gqlBody(`{ ${aliases} }`) });
    // Stopped by the token limit while parsing, before any rule runs.
    expectErrorCode(answer, 'GRAPHQL_PARSE_FAILED');
    expect(answer.status).toBe(400);
  });

  it('aliases just over the limit are refused by the alias rule itself', async () => {
    const aliases = Array.from({ length: DEFAULT_GRAPHQL_LIMITS.maxAliases + 1 }, (_, i) => `a${i}: me { role }`).join(' ');
    const answer = await send({ body: gqlBody(`{ ${aliases} }`) });
    expectErrorCode(answer, 'GRAPHQL_VALIDATION_FAILED');
    expect(answer.text).toMatch(/aliases limit of 30 exceeded, found 31/i);
  });

  it('thousands of fields are refused', async () => {
    const fields = Array.from({ length: 5_000 }, () => 'role').join(' ');
    const answer = await send({ body: gqlBody(`{ me { ${fields} } }`) });
    expectErrorCode(answer, 'GRAPHQL_PARSE_FAILED');
  });

  it('a directive flood is refused', async () => {
    // One directive per field (a repeated directive on one field is already invalid GraphQL).
    const fields = Array.from({ length: DEFAULT_GRAPHQL_LIMITS.maxDirectives + 10 }, () => 'role @include(if: true)').join(' ');
    const answer = await send({ body: gqlBody(`{ me { ${fields} } }`) });
    expectErrorCode(answer, 'GRAPHQL_VALIDATION_FAILED');
    expect(answer.text).toMatch(/directives limit of 50 exceeded/i);
  });

  it('fragment cycles are refused', async () => {
    const answer = await send({ body: gqlBody(`{ me { ...A } } fragment A on Principal { role ...B } fragment B on Principal { email ...A }`) });
    expectErrorCode(answer, 'GRAPHQL_VALIDATION_FAILED');
    expect(answer.status).toBe(400);
  });

  it('an expensive but shallow document is refused by the cost limit', async () => {
    // Within the depth, alias and token limits, but 100 nodes × a nested selection, ten times.
    const node = 'id status externalRef steps { stepId status } approvals { id status run { id status } } workflow { key name }';
    const wide = Array.from({ length: 10 }, (_, i) => `r${i}: runs(first: 100) { edges { node { ${node} } } }`).join(' ');
    const answer = await send({ body: gqlBody(`{ ${wide} }`) });
    expectErrorCode(answer, 'GRAPHQL_VALIDATION_FAILED');
    expect(answer.text).toMatch(/cost limit of 50000 exceeded/i);
    expect(answer.body?.data).toBeUndefined();
  });
});

describe('malformed HTTP', () => {
  it('malformed JSON is a 400', async () => {
    for (const body of ['{"query": "{ me { role } }"', '{query: 1}', 'null', '"just a string"', '12', '{"query": 12}', '{"query": "{ me { role } }", "variables": "nope"}', '{}']) {
      const answer = await send({ body });
      expectRefusedCleanly(answer);
      expect(answer.status, body).toBe(400);
    }
  });

  it('a batched array is refused with a 4xx and a code', async () => {
    const answer = await send({ body: JSON.stringify([{ query: '{ me { role } }' }, { query: '{ me { role } }' }]) });
    expectErrorCode(answer, 'BAD_REQUEST');
    expect(answer.status).toBe(400);
  });

  it('an oversized body is a 413 with a code', async () => {
    const answer = await send({ body: gqlBody('{ me { role } }', { pad: 'x'.repeat(2 * 1024 * 1024) }) });
    expect(answer.status).toBe(413);
    expectErrorCode(answer, 'BAD_REQUEST');
  });

  it('a mutation over GET is refused (405), and so is a GET without a CSRF-safe header', async () => {
    const mutation = encodeURIComponent(`mutation { pauseWorkflow(workflowKey: "hostile-wf", reason: "csrf") { key } }`);
    const viaGet = await send({ method: 'GET', query: `query=${mutation}`, headers: { 'apollo-require-preflight': 'true' } });
    expectRefusedCleanly(viaGet);
    expect(viaGet.status).toBe(405);
    // A plain cross-site GET (no content-type, no custom header) is what CSRF prevention stops.
    const res = await fetch(`${api.graphqlUrl}?query=${encodeURIComponent('{ me { role } }')}`);
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/CSRF/);
  });

  it('wrong content types are refused with a 4xx: a form post cannot reach a mutation', async () => {
    const mutation = `mutation { pauseWorkflow(workflowKey: "hostile-wf", reason: "csrf") { key } }`;
    for (const [contentType, body] of [
      ['text/plain', gqlBody(mutation)],
      ['application/x-www-form-urlencoded', `query=${encodeURIComponent(mutation)}`],
      ['multipart/form-data; boundary=x', `--x\r\nContent-Disposition: form-data; name="query"\r\n\r\n${mutation}\r\n--x--`],
      ['application/xml', '<query/>'],
    ] as const) {
      const answer = await send({ body, headers: { 'content-type': contentType } });
      expectRefusedCleanly(answer);
      expect(answer.status, contentType).toBe(400);
      // The three content types a cross-site form can send are stopped as CSRF.
      if (contentType !== 'application/xml') expect(answer.text, contentType).toMatch(/Cross-Site Request Forgery/);
    }
  });

  it('a body that is not UTF-8 or declares a strange charset is a 4xx', async () => {
    const latin = await send({ body: Buffer.from([0x7b, 0x22, 0x71, 0xff, 0xfe, 0x22, 0x7d]) });
    expectRefusedCleanly(latin);
    expect(latin.status).toBe(400);
    const charset = await send({ body: gqlBody('{ me { role } }'), headers: { 'content-type': 'application/json; charset=klingon' } });
    expectRefusedCleanly(charset);
    expect(charset.status).toBeGreaterThanOrEqual(400);
  });
});

describe('hostile values in arguments and filters', () => {
  const INJECTIONS = [
    "' OR 1=1 --",
    "'; DROP TABLE runs; --",
    '" OR ""="',
    '$.store.book[?(@.price < 10)]',
    "$..*[?(@ == 'x')]",
    '{"$gt": ""}',
    '../../../../etc/passwd',
    '%00%27',
    '\u202e\u0000\uffff',
    '\ud800',
    'ｓｅｌｅｃｔ ＊',
    '\u0000',
    'x'.repeat(200_000),
  ];

  it('injection-shaped strings are ordinary data: NOT_FOUND or BAD_USER_INPUT, never a crash', async () => {
    for (const value of INJECTIONS) {
      const label = JSON.stringify(value.slice(0, 40));
      const workflow = await send({ body: gqlBody(`query ($k: String!) { workflow(key: $k) { key } }`, { k: value }) });
      expectErrorCode(workflow, /NOT_FOUND|BAD_USER_INPUT/);
      const run = await send({ body: gqlBody(`query ($id: ID!) { run(id: $id) { id } }`, { id: value }) });
      expectErrorCode(run, /NOT_FOUND|BAD_USER_INPUT/);
      const audit = await send({ body: gqlBody(`query ($s: String) { auditTrail(subjectId: $s, first: 5) { edges { cursor } } }`, { s: value }) });
      expectRefusedCleanly(audit);
      const cursor = await send({ body: gqlBody(`query ($a: String) { runs(first: 5, after: $a) { edges { cursor } } }`, { a: value }) });
      expectErrorCode(cursor, 'BAD_USER_INPUT');
      const filtered = await send({ body: gqlBody(`query ($k: String) { runs(first: 5, filter: { workflowKey: $k }) { edges { cursor } } }`, { k: value }) });
      expectRefusedCleanly(filtered);
      expect(filtered.body?.errors?.[0]?.extensions?.code ?? 'OK', label).toMatch(/OK|BAD_USER_INPUT|NOT_FOUND/);
      const queue = await send({ body: gqlBody(`query ($k: String) { exceptionQueue(first: 5, filter: { workflowKey: $k }) { edges { cursor } } }`, { k: value }) });
      expectRefusedCleanly(queue);
    }
  });

  it('hostile values in a mutation reason, a run input and an idempotency key reach the services and are refused cleanly', async () => {
    for (const value of INJECTIONS) {
      // A run that does not exist: the value reaches the service, not just the schema.
      const cancel = await send({ body: gqlBody(`mutation ($id: ID!, $r: String!) { cancelRun(runId: $id, reason: $r) { id } }`, { id: randomUUID(), r: value }) });
      expectErrorCode(cancel, /NOT_FOUND|BAD_USER_INPUT/);
      // Input validated against the workflow's JSON Schema before anything is written.
      const start = await send({
        body: gqlBody(`mutation ($input: JSON!, $idem: String!) { startRun(workflowKey: "no-such-workflow", input: $input, idempotencyKey: $idem) { run { id } } }`, {
          input: { ticketId: value, [value.slice(0, 100)]: value },
          idem: value,
        }),
      });
      // The 200 kB value three times is over the body limit: 413 before any parsing.
      expectErrorCode(start, /NOT_FOUND|BAD_USER_INPUT|BAD_REQUEST/);
    }
  });

  it('deeply nested JSON arguments are refused as BAD_USER_INPUT', async () => {
    // Written by hand: JSON.stringify itself would overflow the stack on this value.
    const depth = 20_000;
    const input = `${'{"a":'.repeat(depth)}"leaf"${'}'.repeat(depth)}`;
    const query = JSON.stringify(`mutation ($input: JSON!) { startRun(workflowKey: "hostile-wf", input: $input, idempotencyKey: "deep") { run { id } } }`);
    const answer = await send({ body: `{"query":${query},"variables":{"input":${input}}}` });
    expectRefusedCleanly(answer);
    expect(answer.status).toBeLessThan(500);
    expect(answer.body?.errors?.[0]?.extensions?.code).toMatch(/BAD_USER_INPUT|BAD_REQUEST/);
  });

  it('wrong variable types are BAD_USER_INPUT', async () => {
    const cases: Array<[string, Record<string, unknown>]> = [
      [`query ($first: Int) { runs(first: $first) { edges { cursor } } }`, { first: 'ten' }],
      [`query ($first: Int) { runs(first: $first) { edges { cursor } } }`, { first: 2 ** 40 }],
      [`query ($first: Int) { runs(first: $first) { edges { cursor } } }`, { first: 1.5 }],
      [`query ($id: ID!) { run(id: $id) { id } }`, { id: { $ne: null } }],
      [`query ($id: ID!) { run(id: $id) { id } }`, { id: ['a', 'b'] }],
      [`query ($id: ID!) { run(id: $id) { id } }`, {}],
      [`query ($f: RunFilter) { runs(filter: $f) { edges { cursor } } }`, { f: { statuses: ['NOT_A_STATUS'] } }],
      [`query ($f: RunFilter) { runs(filter: $f) { edges { cursor } } }`, { f: { unknownField: 1 } }],
      [`mutation ($def: JSONObject!) { proposeWorkflowVersion(workflowKey: "hostile-wf", definition: $def) { id } }`, { def: [1, 2, 3] }],
      [`mutation ($def: JSONObject!) { proposeWorkflowVersion(workflowKey: "hostile-wf", definition: $def) { id } }`, { def: 'a string' }],
      [`query ($from: DateTimeISO!, $to: DateTimeISO!) { metrics(from: $from, to: $to) { workflowKey } }`, { from: 'yesterday', to: '2026-01-01T00:00:00Z' }],
    ];
    for (const [query, variables] of cases) {
      const answer = await send({ body: gqlBody(query, variables) });
      expectErrorCode(answer, 'BAD_USER_INPUT');
    }
  });

  it('`first` outside 1–100 is BAD_USER_INPUT on the connections', async () => {
    for (const first of [0, -1, 101, 1_000_000]) {
      expectErrorCode(await send({ body: gqlBody(`query ($f: Int) { runs(first: $f) { edges { cursor } } }`, { f: first }) }), 'BAD_USER_INPUT');
    }
  });
});

describe('rate limits', () => {
  it('are not applied to /healthz and /readyz', async () => {
    const answers = await Promise.all(Array.from({ length: 50 }, () => fetch(`${api.baseUrl}/healthz`)));
    expect(answers.every((a) => a.status === 200)).toBe(true);
  });
});

describe('afterwards', () => {
  it('the server is healthy, answers a normal query, and nothing was written', async () => {
    const health = await fetch(`${api.baseUrl}/healthz`);
    expect(health.status).toBe(200);
    const ready = await fetch(`${api.baseUrl}/readyz`);
    expect(ready.status).toBe(200);
    const data = await api.ok<{ workflow: { key: string; paused: boolean } }>(KEYS.viewer, `{ workflow(key: "hostile-wf") { key paused } }`);
    expect(data.workflow).toEqual({ key: 'hostile-wf', paused: false });
    expect(await rowCounts()).toEqual(rowsBefore);
  });
});
