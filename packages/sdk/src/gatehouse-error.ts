/** The codes the API promises in `extensions.code` (DESIGN.md, README "Errors"). */
export type PublicErrorCode =
  | 'BAD_USER_INPUT'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'PRECONDITION_FAILED'
  | 'RATE_LIMITED';

/**
 * What a GatehouseError can carry: a public code from the API, INTERNAL_SERVER_ERROR (a masked
 * server bug or outage), or one the client sets itself — NETWORK_ERROR (no answer), TIMEOUT (no
 * answer in time), BAD_RESPONSE (an answer that is not the API's JSON), WAIT_TIMEOUT
 * (startRunAndWait / waitForRun gave up waiting; the run goes on). Other codes GraphQL itself
 * uses (e.g. GRAPHQL_VALIDATION_FAILED) pass through as they are.
 */
export type GatehouseErrorCode =
  | PublicErrorCode
  | 'INTERNAL_SERVER_ERROR'
  | 'NETWORK_ERROR'
  | 'TIMEOUT'
  | 'BAD_RESPONSE'
  | 'WAIT_TIMEOUT'
  | (string & {});

/** One error of a GraphQL response, as the API formats it. */
export interface GraphQLErrorPayload {
  message: string;
  path?: ReadonlyArray<string | number>;
  extensions?: { code?: string; reason?: string; details?: unknown; [key: string]: unknown };
}

export interface GatehouseErrorInit {
  code: GatehouseErrorCode;
  message: string;
  /** The domain's finer reason, e.g. `separation_of_duties` under FORBIDDEN. */
  reason?: string | undefined;
  /** `extensions.details` (e.g. `issues` with JSON Pointers for BAD_USER_INPUT). */
  details?: unknown;
  /** HTTP status of the answer; undefined when there was none. */
  status?: number | undefined;
  operationName?: string | undefined;
  /** Every GraphQL error of the response (the first one is this error). */
  errors?: readonly GraphQLErrorPayload[];
  /** The server's Retry-After, for RATE_LIMITED. */
  retryAfterSeconds?: number | undefined;
  cause?: unknown;
}

/** Every failure of the SDK: branch on `code` (stable), show `message` (written for people). */
export class GatehouseError extends Error {
  readonly code: GatehouseErrorCode;
  readonly reason: string | undefined;
  readonly details: unknown;
  readonly status: number | undefined;
  readonly operationName: string | undefined;
  readonly errors: readonly GraphQLErrorPayload[];
  readonly retryAfterSeconds: number | undefined;

  constructor(init: GatehouseErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'GatehouseError';
    this.code = init.code;
    this.reason = init.reason;
    this.details = init.details;
    this.status = init.status;
    this.operationName = init.operationName;
    this.errors = init.errors ?? [];
    this.retryAfterSeconds = init.retryAfterSeconds;
  }
}

export function isGatehouseError(error: unknown, code?: GatehouseErrorCode): error is GatehouseError {
  return error instanceof GatehouseError && (code === undefined || error.code === code);
}

/** A GatehouseError from the first error of a GraphQL response. */
export function fromGraphQLErrors(errors: readonly GraphQLErrorPayload[], status: number, operationName: string | undefined, retryAfterHeader?: number): GatehouseError {
  const first = errors[0] ?? { message: 'The API answered with an empty error list.' };
  const ext = first.extensions ?? {};
  const retryAfter =
    typeof ext.retryAfterSeconds === 'number' ? ext.retryAfterSeconds : retryAfterHeader !== undefined && Number.isFinite(retryAfterHeader) && retryAfterHeader > 0 ? retryAfterHeader : undefined;
  return new GatehouseError({
    code: typeof ext.code === 'string' ? ext.code : status >= 500 ? 'INTERNAL_SERVER_ERROR' : 'BAD_RESPONSE',
    message: first.message,
    reason: typeof ext.reason === 'string' ? ext.reason : undefined,
    details: ext.details,
    status,
    operationName,
    errors,
    retryAfterSeconds: retryAfter,
  });
}
