/** The shape of one GraphQL error as the API sends it. */
export interface GraphQLErrorPayload {
  readonly message: string;
  readonly extensions?: { readonly code?: string } & Record<string, unknown>;
  readonly path?: ReadonlyArray<string | number>;
}

/** Codes the client invents when no GraphQL answer arrived at all. */
export type TransportErrorCode = 'NETWORK_ERROR' | 'BAD_RESPONSE';

/**
 * A failed request: the API's first error message and its `extensions.code`, or a transport
 * problem (API unreachable, proxy error page). `errors` keeps every GraphQL error.
 */
export class GraphQLRequestError extends Error {
  readonly code: string | undefined;
  readonly status: number | undefined;
  readonly errors: readonly GraphQLErrorPayload[];

  constructor(
    message: string,
    options: { code?: string | undefined; status?: number; errors?: readonly GraphQLErrorPayload[] },
  ) {
    super(message);
    this.name = 'GraphQLRequestError';
    this.code = options.code;
    this.status = options.status;
    this.errors = options.errors ?? [];
  }

  /** Worth retrying: the network or the server hiccuped, not a refusal the API made on purpose. */
  get retryable(): boolean {
    return (
      this.code === 'NETWORK_ERROR' ||
      this.code === 'BAD_RESPONSE' ||
      this.code === 'INTERNAL_SERVER_ERROR'
    );
  }
}

export interface GraphQLRequestOptions {
  /** Sent as the `x-api-key` header when set. */
  readonly apiKey?: string | null;
  readonly signal?: AbortSignal;
  /** Defaults to `/graphql` (same origin; Vite proxies it to the API). */
  readonly endpoint?: string;
}

interface GraphQLResponseBody<TData> {
  readonly data?: TData | null;
  readonly errors?: readonly GraphQLErrorPayload[];
}

/**
 * A document as `pnpm codegen` generates it (a string carrying its result and variable types),
 * or a plain string in tests.
 */
export interface TypedDocument<TData, TVariables> {
  toString(): string;
  /** Type-only: never set at run time. */
  readonly __apiType?: (variables: TVariables) => TData;
}

/** POSTs `{ query, variables }` as JSON and returns `data`, or throws a GraphQLRequestError. */
export async function graphqlRequest<TData, TVariables = Record<string, never>>(
  query: string | TypedDocument<TData, TVariables>,
  variables?: TVariables,
  options: GraphQLRequestOptions = {},
): Promise<TData> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'application/graphql-response+json, application/json',
  };
  if (options.apiKey) headers['x-api-key'] = options.apiKey;

  let response: Response;
  try {
    response = await fetch(options.endpoint ?? '/graphql', {
      method: 'POST',
      headers,
      body: JSON.stringify({ query: query.toString(), variables: variables ?? {} }),
      signal: options.signal ?? null,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new GraphQLRequestError('Could not reach the Gatehouse API. Is it running?', {
      code: 'NETWORK_ERROR' satisfies TransportErrorCode,
    });
  }

  let body: GraphQLResponseBody<TData> | undefined;
  try {
    body = (await response.json()) as GraphQLResponseBody<TData>;
  } catch {
    body = undefined;
  }

  const errors = body?.errors ?? [];
  const first = errors[0];
  if (first) {
    throw new GraphQLRequestError(first.message, {
      code: first.extensions?.code,
      status: response.status,
      errors,
    });
  }
  if (!response.ok || body?.data === undefined || body.data === null) {
    throw new GraphQLRequestError(
      `The Gatehouse API answered HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''} without a GraphQL result.`,
      { code: 'BAD_RESPONSE' satisfies TransportErrorCode, status: response.status },
    );
  }
  return body.data;
}
