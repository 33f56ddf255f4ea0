import { unwrapResolverError } from '@apollo/server/errors';
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
 * Whether an error is a bug or an infrastructure failure, to be logged whole and shown masked,
 * rather than an answer for the client (a domain error, or a code the client may see).
 */
export function isUnexpectedError(error: unknown, code: unknown): boolean {
  return !isDomainError(unwrapResolverError(error)) && !(typeof code === 'string' && PASS_THROUGH.has(code));
}

/*
 * Errors the request's own logger has already logged (logUnexpectedErrors, with the request id).
 * formatError gets no context from Apollo, so it logs with the process's logger only what no
 * request logged: a failure to build the context, or executeOperation without the plugin.
 */
const loggedWithRequest = new WeakSet<object>();

/** Logs an unexpected error once, with the logger of the request it happened in. */
export function logUnexpectedError(logger: Logger, error: unknown, path: GraphQLFormattedError['path']): void {
  const original = unwrapResolverError(error);
  if (typeof original === 'object' && original !== null) {
    if (loggedWithRequest.has(original)) return;
    loggedWithRequest.add(original);
  }
  logger.error({ err: original, path }, 'unhandled error in GraphQL operation');
}

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
    logUnexpectedError(logger, error, formatted.path);
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
