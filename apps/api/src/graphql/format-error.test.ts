import { ApolloServer } from '@apollo/server';
import { DOMAIN_ERROR_CODES, DomainError, IllegalTransitionError } from '@gatehouse/domain';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DOMAIN_TO_PUBLIC, createFormatError } from './format-error.js';

const PUBLIC_CODES = ['BAD_USER_INPUT', 'UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT', 'PRECONDITION_FAILED', 'RATE_LIMITED'];

/** A real pino logger whose JSON lines land in `lines`. */
function capturingLogger() {
  const lines: Array<Record<string, any>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) lines.push(JSON.parse(line) as Record<string, any>);
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

/*
 * A real Apollo server (no HTTP) whose one resolver throws whatever the test puts in `thrown`,
 * so errors reach formatError exactly as they do in production: wrapped by graphql-js.
 */
const { logger, lines } = capturingLogger();
let thrown: Error;
const server = new ApolloServer({
  typeDefs: 'type Query { boom: String, double(n: Int!): Int }',
  resolvers: {
    Query: {
      boom: () => {
        throw thrown;
      },
      double: (_: unknown, args: { n: number }) => args.n * 2,
    },
  },
  formatError: createFormatError(logger),
});

async function errorsOf(query: string, variables?: Record<string, unknown>): Promise<readonly GraphQLFormattedError[]> {
  const response = await server.executeOperation({ query, ...(variables ? { variables } : {}) });
  if (response.body.kind !== 'single') throw new Error('expected a single result');
  return response.body.singleResult.errors ?? [];
}

beforeAll(() => server.start());
afterAll(() => server.stop());
beforeEach(() => {
  lines.length = 0;
});

describe('createFormatError', () => {
  it('maps a DomainError to its public code with the reason and details', async () => {
    thrown = new DomainError('claimed_by_other', 'Exception x is claimed by someone else.', { assigneeId: 'p-1' });
    expect(await errorsOf('{ boom }')).toEqual([
      {
        message: 'Exception x is claimed by someone else.',
        locations: [{ line: 1, column: 3 }],
        path: ['boom'],
        extensions: { code: 'CONFLICT', reason: 'claimed_by_other', details: { assigneeId: 'p-1' } },
      },
    ]);
    expect(lines).toEqual([]);
  });

  it('leaves details out when the domain gave none, and maps subclasses by their code', async () => {
    thrown = new DomainError('not_found', 'No run with id r-1.');
    expect((await errorsOf('{ boom }'))[0]!.extensions).toEqual({ code: 'NOT_FOUND', reason: 'not_found' });

    thrown = new IllegalTransitionError('API key', 'revoked', 'revoke');
    expect((await errorsOf('{ boom }'))[0]).toMatchObject({
      message: thrown.message,
      extensions: { code: 'CONFLICT', reason: 'illegal_transition', details: { entity: 'API key', from: 'revoked', transition: 'revoke' } },
    });
  });

  it('maps every domain error code to one of the public codes', () => {
    expect(Object.keys(DOMAIN_TO_PUBLIC).sort()).toEqual([...DOMAIN_ERROR_CODES].sort());
    for (const code of DOMAIN_ERROR_CODES) expect(PUBLIC_CODES).toContain(DOMAIN_TO_PUBLIC[code]);
  });

  it('masks any other error as INTERNAL_SERVER_ERROR and logs it whole', async () => {
    thrown = new Error('connect ECONNREFUSED 10.0.0.5:5432 (password=hunter2)');
    const [shown] = await errorsOf('{ boom }');
    expect(shown).toEqual({
      message: 'Internal error. It has been logged; retrying may help.',
      locations: [{ line: 1, column: 3 }],
      path: ['boom'],
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
    expect(JSON.stringify(shown)).not.toMatch(/ECONNREFUSED|hunter2|stack/);

    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 50, msg: 'unhandled error in GraphQL operation', path: ['boom'], err: { type: 'Error', message: thrown.message } });
    expect(lines[0]!.err.stack).toContain('format-error.test.ts');
  });

  it('masks an error that claims a code outside the public set', () => {
    const odd = new GraphQLError('SELECT * FROM secrets failed', { extensions: { code: 'DOWNSTREAM_SERVICE_ERROR' } });
    expect(createFormatError(logger)(odd.toJSON(), odd)).toMatchObject({ message: expect.stringMatching(/^Internal error/), extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    expect(lines).toHaveLength(1);
  });

  it('passes a GraphQL BAD_USER_INPUT through with its message, unlogged', async () => {
    const [shown] = await errorsOf('query ($n: Int!) { double(n: $n) }', { n: 'ten' });
    expect(shown).toMatchObject({ message: expect.stringMatching(/\$n.*Int cannot represent/), extensions: { code: 'BAD_USER_INPUT' } });
    expect(Object.keys(shown!.extensions!)).toEqual(['code']);
    expect(lines).toEqual([]);
  });

  it('passes parse and validation failures through, unlogged', async () => {
    expect((await errorsOf('{ boom'))[0]!.extensions).toEqual({ code: 'GRAPHQL_PARSE_FAILED' });
    const [unknown] = await errorsOf('{ nothing }');
    expect(unknown).toMatchObject({ message: expect.stringMatching(/nothing/), extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
    expect(lines).toEqual([]);
  });
});
