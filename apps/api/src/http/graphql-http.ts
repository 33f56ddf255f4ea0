import { HeaderMap, type ApolloServer } from '@apollo/server';
import type http from 'node:http';
import type { GraphQLContext } from '../graphql/context.js';
import type { Logger } from '../logger.js';
import { inGraphqlSpan } from '../observability/http-observability.js';
import type { ClientIp } from './client-ip.js';
import { HttpClientError, readJsonBody } from './json-body.js';
import { sendRateLimited, type RateLimitCheck } from './rate-limit.js';
import { requestLogger } from './request-log.js';
import { sendRequestFailure } from './send-json.js';

export interface GraphqlHttpOptions {
  apollo: ApolloServer<GraphQLContext>;
  rateLimit: RateLimitCheck;
  clientIp: ClientIp;
  bodyLimitBytes: number;
  /** The request's GraphQL context (authentication happens here); a GraphQLError it throws is Apollo's to answer. */
  context: (req: http.IncomingMessage) => Promise<GraphQLContext>;
  tracing: boolean;
  logger: Logger;
}

/**
 * /graphql on plain node:http: rate limit, JSON body, Apollo's executeHTTPGraphQLRequest.
 * It replaces Express's router, express.json() and @as-integrations/express5 on this one path,
 * which cost the hot path (startRun) about a fifth of its CPU and a quarter of its garbage:
 * per-request router closures, the request and response prototypes Express swaps in, and the
 * re-parsing of headers. Everything else (/auth, /runs, health, metrics) stays on Express.
 */
export function graphqlHttpHandler(options: GraphqlHttpOptions): (req: http.IncomingMessage, res: http.ServerResponse, path: string, search: string) => void {
  const { apollo, bodyLimitBytes } = options;
  const serve = async (req: http.IncomingMessage, res: http.ServerResponse, path: string, search: string) => {
    const retryAfter = await options.rateLimit(req, options.clientIp(req));
    if (retryAfter !== null) return sendRateLimited(res, retryAfter);
    const body = await readJsonBody(req, bodyLimitBytes);
    const execute = () => apollo.executeHTTPGraphQLRequest({ httpGraphQLRequest: { method: req.method ?? 'GET', headers: headerMapOf(req), search, body }, context: () => options.context(req) });
    const answer = options.tracing ? await inGraphqlSpan(req, res, path, execute) : await execute();
    for (const [name, value] of answer.headers) res.setHeader(name, value);
    res.statusCode = answer.status ?? 200;
    if (answer.body.kind === 'complete') {
      res.setHeader('content-length', Buffer.byteLength(answer.body.string));
      res.end(answer.body.string);
      return;
    }
    // Incremental delivery (@defer): chunks as Apollo yields them.
    for await (const chunk of answer.body.asyncIterator) res.write(chunk);
    res.end();
  };
  return (req, res, path, search) => {
    serve(req, res, path, search).catch((error: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (error instanceof HttpClientError) return sendRequestFailure(res, error.status, error.message);
      requestLogger(req, options.logger).error({ err: error }, 'unhandled HTTP error');
      sendRequestFailure(res, 500, 'unhandled');
    });
  };
}

/** Apollo's header map: lower-case names, repeated headers joined as Node does not. */
function headerMapOf(req: http.IncomingMessage): HeaderMap {
  const headers = new HeaderMap();
  const raw = req.headers;
  for (const name in raw) {
    const value = raw[name];
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  return headers;
}
