import { afterEach, describe, expect, it, vi } from 'vitest';
import { GraphQLRequestError, graphqlRequest } from './graphql-client.js';

function jsonResponse(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json' },
  });
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('graphqlRequest', () => {
  it('POSTs the query and variables as JSON with the API key header', async () => {
    const fetchMock = vi.fn(async () => jsonResponse({ data: { me: { name: 'Ada', role: 'admin' } } }));
    vi.stubGlobal('fetch', fetchMock);

    const data = await graphqlRequest<{ me: { name: string } }, { first: number }>(
      'query Me { me { name role } }',
      { first: 3 },
      { apiKey: 'gh_dev_admin' },
    );

    expect(data.me.name).toBe('Ada');
    expect(fetchMock).toHaveBeenCalledTimes(1);
    const [url, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/graphql');
    expect(init.method).toBe('POST');
    const headers = init.headers as Record<string, string>;
    expect(headers['x-api-key']).toBe('gh_dev_admin');
    expect(headers['content-type']).toBe('application/json');
    expect(JSON.parse(init.body as string)).toEqual({
      query: 'query Me { me { name role } }',
      variables: { first: 3 },
    });
  });

  it('sends no x-api-key header when signed out', async () => {
    const fetchMock = vi.fn(async () => jsonResponse({ data: { ok: true } }));
    vi.stubGlobal('fetch', fetchMock);
    await graphqlRequest('{ ok }');
    const [, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit];
    expect(init.headers).not.toHaveProperty('x-api-key');
  });

  it('throws the first GraphQL error with its extensions.code, even on HTTP 401', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () =>
        jsonResponse(
          {
            errors: [
              { message: 'Unknown API key.', extensions: { code: 'UNAUTHENTICATED' } },
              { message: 'second', extensions: { code: 'UNAUTHENTICATED' } },
            ],
          },
          401,
        ),
      ),
    );
    const error = await graphqlRequest('{ me { name } }').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphQLRequestError);
    const err = error as GraphQLRequestError;
    expect(err.message).toBe('Unknown API key.');
    expect(err.code).toBe('UNAUTHENTICATED');
    expect(err.status).toBe(401);
    expect(err.errors).toHaveLength(2);
    expect(err.retryable).toBe(false);
  });

  it('reports an unreachable API as NETWORK_ERROR', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => Promise.reject(new TypeError('fetch failed'))));
    const err = (await graphqlRequest('{ me { name } }').catch((e: unknown) => e)) as GraphQLRequestError;
    expect(err.code).toBe('NETWORK_ERROR');
    expect(err.message).toMatch(/Could not reach the Gatehouse API/);
    expect(err.retryable).toBe(true);
  });

  it('reports a non-GraphQL answer (a proxy error page) as BAD_RESPONSE', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => new Response('<html>Bad gateway</html>', { status: 502, statusText: 'Bad Gateway' })),
    );
    const err = (await graphqlRequest('{ me { name } }').catch((e: unknown) => e)) as GraphQLRequestError;
    expect(err.code).toBe('BAD_RESPONSE');
    expect(err.status).toBe(502);
    expect(err.message).toContain('HTTP 502 Bad Gateway');
  });
});
