import { QueryClient } from '@tanstack/react-query';
import { type RenderResult, render } from '@testing-library/react';
import { type ReactElement } from 'react';
import { MemoryRouter, Route, Routes, useLocation } from 'react-router';
import { expect, vi } from 'vitest';
import { Providers } from '../app/providers.js';
import { API_KEY_STORAGE_KEY } from '../features/session/api/dev-api-keys.js';

/*
 * Component tests' API: `fetch` stubbed at the HTTP boundary, answering each GraphQL operation
 * by its name, recording every request. (End-to-end tests in tests/e2e use the real API.)
 */

export interface RecordedRequest {
  readonly apiKey: string | null;
  readonly operation: string;
  readonly variables: Record<string, unknown>;
}

/** An operation's answer: `data`, or GraphQL `errors` (sent with HTTP 200, as the API does). */
export type Answer = { data: unknown } | { errors: { message: string; extensions: { code: string } & Record<string, unknown> }[] };
export type Handlers = Record<string, (variables: Record<string, unknown>) => Answer>;

export function gqlError(message: string, code: string, extra: Record<string, unknown> = {}): Answer {
  return { errors: [{ message, extensions: { code, ...extra } }] };
}

/**
 * Stubs fetch. `ConsoleMe` is answered with `me(apiKey)` (an unknown key: UNAUTHENTICATED); an
 * operation without a handler with an INTERNAL_SERVER_ERROR naming it. Returns the requests made.
 */
export function stubGraphQL(me: (apiKey: string | null) => unknown, handlers: Handlers): RecordedRequest[] {
  const requests: RecordedRequest[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init: RequestInit) => {
      expect(url).toBe('/graphql');
      const headers = init.headers as Record<string, string>;
      const body = JSON.parse(init.body as string) as { query: string; variables: Record<string, unknown> };
      const operation = /\b(?:query|mutation)\s+(\w+)/.exec(body.query)?.[1] ?? 'anonymous';
      const apiKey = headers['x-api-key'] ?? null;
      requests.push({ apiKey, operation, variables: body.variables });
      let answer: Answer;
      if (operation === 'ConsoleMe') {
        const principal = me(apiKey);
        answer = principal ? { data: { me: principal } } : gqlError('Unknown or revoked API key.', 'UNAUTHENTICATED');
      } else {
        answer = handlers[operation]?.(body.variables) ?? gqlError(`${operation} is not stubbed in this test.`, 'INTERNAL_SERVER_ERROR');
      }
      return new Response(JSON.stringify('errors' in answer ? { ...answer, data: null } : answer), {
        status: 200,
        headers: { 'content-type': 'application/json' },
      });
    }),
  );
  return requests;
}

/** Renders the router's location, so tests can check URL state: screen.getByTestId('location'). */
function LocationProbe() {
  const location = useLocation();
  return <output data-testid="location">{`${location.pathname}${location.search}`}</output>;
}

/** The router location after the last render (from LocationProbe). */
export function currentLocation(): string {
  return document.querySelector('[data-testid="location"]')?.textContent ?? '';
}

/** Renders `routes` at `path`, signed in with `apiKey`, with a fresh query client (no retries). */
export function renderAt(options: { path: string; routes: Record<string, ReactElement>; apiKey: string }): RenderResult {
  localStorage.setItem(API_KEY_STORAGE_KEY, options.apiKey);
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <MemoryRouter initialEntries={[options.path]}>
      <Providers queryClient={queryClient}>
        <Routes>
          {Object.entries(options.routes).map(([path, element]) => (
            <Route key={path} path={path} element={element} />
          ))}
          <Route path="*" element={<p>Elsewhere</p>} />
        </Routes>
        <LocationProbe />
      </Providers>
    </MemoryRouter>,
  );
}
