import { QueryClient } from '@tanstack/react-query';
import { fireEvent, render, screen } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { App } from '../../../app/app.js';
import { Providers } from '../../../app/providers.js';
import { COOKIE_SESSION_STORAGE_KEY } from '../api/auth.js';

interface Call {
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: any;
}

let calls: Call[];
let signedIn: boolean;

/** A fake API: /auth answers like the real one; GraphQL accepts only the "cookie" set by a successful sign-in. */
function stubApi(config: { developmentKeys: boolean }) {
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init: RequestInit = {}) => {
      const headers = (init.headers ?? {}) as Record<string, string>;
      const body = init.body ? JSON.parse(init.body as string) : null;
      calls.push({ url, headers, body });
      const json = (status: number, value: unknown) => new Response(JSON.stringify(value), { status, headers: { 'content-type': 'application/json' } });
      if (url === '/auth/config') return json(200, { ...config, passwordSignIn: true, oidc: null });
      if (url === '/auth/sign-in') {
        if (body.email === 'rita@gatehouse.dev' && body.password === 'gatehouse-dev') {
          signedIn = true;
          return json(200, { principal: { email: body.email } });
        }
        return json(401, { error: { code: 'UNAUTHENTICATED', message: 'Email or password is incorrect.' } });
      }
      if (url === '/auth/sign-out') {
        signedIn = false;
        return json(200, { signedOut: true });
      }
      if (!signedIn || headers['x-api-key']) return json(200, { errors: [{ message: 'Sign in.', extensions: { code: 'UNAUTHENTICATED' } }] });
      if (body.query.includes('query ConsoleMe')) {
        return json(200, { data: { me: { id: 'p-rita', name: 'Rita Reviewer', email: 'rita@gatehouse.dev', role: 'reviewer', operations: ['me', 'runs'] } } });
      }
      return json(200, { data: { runs: { edges: [], pageInfo: { hasNextPage: false, endCursor: null } } } });
    }),
  );
}

function renderConsole() {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <MemoryRouter initialEntries={['/']}>
      <Providers queryClient={queryClient}>
        <App />
      </Providers>
    </MemoryRouter>,
  );
}

function fillIn(email: string, password: string) {
  fireEvent.change(screen.getByLabelText('Email'), { target: { value: email } });
  fireEvent.change(screen.getByLabelText('Password'), { target: { value: password } });
  fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
}

beforeEach(() => {
  calls = [];
  signedIn = false;
  localStorage.clear();
});
afterEach(() => vi.unstubAllGlobals());

describe('password sign-in form', () => {
  it('in production shows only the password form: no development selector', async () => {
    stubApi({ developmentKeys: false });
    renderConsole();
    expect(await screen.findByText('Sign in with your email and password.')).toBeTruthy();
    expect(screen.queryByLabelText('Development sign-in')).toBeNull();
    expect(screen.getByRole('form', { name: 'Sign in with password' })).toBeTruthy();
  });

  it('in development shows the selector and the form', async () => {
    stubApi({ developmentKeys: true });
    renderConsole();
    expect(await screen.findByText(/or choose a development identity/)).toBeTruthy();
    expect(screen.getByLabelText('Development sign-in')).toBeTruthy();
    expect(screen.getByRole('form', { name: 'Sign in with password' })).toBeTruthy();
  });

  it('shows the generic error on a wrong password and stays signed out', async () => {
    stubApi({ developmentKeys: false });
    renderConsole();
    fillIn('rita@gatehouse.dev', 'wrong');
    expect((await screen.findByRole('alert')).textContent).toBe('Email or password is incorrect.');
    expect(localStorage.getItem(COOKIE_SESSION_STORAGE_KEY)).toBeNull();
    expect(calls.some((c) => c.url === '/graphql')).toBe(false);
  });

  it('signs in: posts JSON credentials, then asks GraphQL with the cookie (no API key) and shows who; signs out', async () => {
    stubApi({ developmentKeys: false });
    renderConsole();
    fillIn('rita@gatehouse.dev', 'gatehouse-dev');
    expect(await screen.findByText('Rita Reviewer')).toBeTruthy();
    const signIn = calls.find((c) => c.url === '/auth/sign-in')!;
    expect(signIn.headers['content-type']).toBe('application/json');
    expect(signIn.body).toEqual({ email: 'rita@gatehouse.dev', password: 'gatehouse-dev' });
    expect(calls.filter((c) => c.url === '/graphql').every((c) => !c.headers['x-api-key'])).toBe(true);
    expect(localStorage.getItem(COOKIE_SESSION_STORAGE_KEY)).toBe('1');

    fireEvent.click(screen.getByRole('button', { name: 'Sign out' }));
    expect(await screen.findByRole('form', { name: 'Sign in with password' })).toBeTruthy();
    expect(calls.some((c) => c.url === '/auth/sign-out')).toBe(true);
    expect(localStorage.getItem(COOKIE_SESSION_STORAGE_KEY)).toBeNull();
  });
});
