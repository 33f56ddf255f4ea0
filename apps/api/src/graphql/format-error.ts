import { unwrapResolverError } from '@apollo/server/errors';
import { AsyncLocalStorage } from 'node:async_hooks';
import { isDomainError, type DomainErrorCode } from '@gatehouse/domain';
import { type GraphQLFormattedError } from 'graphql';
import type { Logger } from '../logger.js';

/** The public error codes integrators can rely on (DESIGN.md). */
export type PublicErrorCode =
  | 'BAD_USER_INPUT'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'PRECONDITION_FAILED'
  | 'RATE_LIMITED';

/** The one table from domain error codes to transport codes. */
export const DOMAIN_TO_PUBLIC: Record<DomainErrorCode, PublicErrorCode> = {
  invalid_input: 'BAD_USER_INPUT',
  not_found: 'NOT_FOUND',
  illegal_transition: 'CONFLICT',
  conflict: 'CONFLICT',
  already_decided: 'CONFLICT',
  claimed_by_other: 'CONFLICT',
  idempotency_conflict: 'CONFLICT',
  precondition_failed: 'PRECONDITION_FAILED',
  publish_check_failed: 'PRECONDITION_FAILED',
  runbook_incomplete: 'PRECONDITION_FAILED',
  agreement_below_threshold: 'PRECONDITION_FAILED',
  forbidden: 'FORBIDDEN',
  separation_of_duties: 'FORBIDDEN',
  unauthenticated: 'UNAUTHENTICATED',
};

/** Codes produced by GraphQL/Apollo themselves for malformed requests: safe to pass through. */
const PASS_THROUGH = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  ...Object.values(DOMAIN_TO_PUBLIC),
]);

/**
 * The logger of the HTTP request being served (pino-http's child, which carries the request
 * id). formatError gets no context from Apollo, so app.ts runs each GraphQL request inside
 * this store; outside one (tests, executeOperation) the logger given to createFormatError is used.
 */
export const requestLogger = new AsyncLocalStorage<Logger>();

export function createFormatError(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    if (isDomainError(original)) {
      return {
        message: original.message,
        locations: formatted.locations,
        path: formatted.path,
        extensions: { code: DOMAIN_TO_PUBLIC[original.code], reason: original.code, ...publicDetails(original.details) },
      };
    }
    const code = formatted.extensions?.code;
    if (typeof code === 'string' && PASS_THROUGH.has(code)) {
      return { message: withoutMisleadingPrefix(formatted.message), locations: formatted.locations, path: formatted.path, extensions: { code } };
    }
    // Anything else is a bug or an infrastructure failure: log it whole, show nothing of it.
    (requestLogger.getStore() ?? logger).error({ err: original, path: formatted.path }, 'unhandled error in GraphQL operation');
    return { message: 'Internal error. It has been logged; retrying may help.', locations: formatted.locations, path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
  };
}

/** graphql-armor words its limit refusals as "Syntax Error: Query depth limit of 12 exceeded…"; the document parsed fine. */
function withoutMisleadingPrefix(message: string): string {
  return message.replace(/^Syntax Error: (?=.* limit of \d+ exceeded)/, '');
}

function publicDetails(details: Readonly<Record<string, unknown>>): Record<string, unknown> {
  // Details are written by the domain for callers (missing items, validation issues).
  return Object.keys(details).length > 0 ? { details } : {};
}
