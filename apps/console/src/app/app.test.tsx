import { QueryClient } from '@tanstack/react-query';
import { fireEvent, render, screen, within } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { API_KEY_STORAGE_KEY } from '../features/session/api/dev-api-keys.js';
import { App } from './app.js';
import { Providers } from './providers.js';

interface RecordedRequest {
  readonly apiKey: string | null;
  readonly query: string;
}

type Responder = (request: RecordedRequest) => { status?: number; body: unknown };

const READ = ['me', 'workflows', 'workflow', 'run', 'runs'];
const PRINCIPALS: Record<string, { id: string; name: string; email: string; role: string; operations: string[] }> = {
  gh_dev_owner: { id: 'p-owner', name: 'Olivia Owner', email: 'olive@x', role: 'owner', operations: [...READ, 'exceptionQueue', 'approvals', 'metrics', 'claimException'] },
  gh_dev_viewer: { id: 'p-viewer', name: 'Vera Viewer', email: 'vera@x', role: 'viewer', operations: [...READ, 'exceptionQueue', 'approvals', 'metrics'] },
  gh_dev_integrator: { id: 'p-int', name: 'Ivy Integrator', email: 'ivy@x', role: 'integrator', operations: [...READ, 'startRun'] },
};

const defaultResponder: Responder = ({ apiKey, query }) => {
  const principal = apiKey ? PRINCIPALS[apiKey] : undefined;
  if (!principal) {
    return {
      status: 401,
      body: { errors: [{ message: 'Unknown or revoked API key.', extensions: { code: 'UNAUTHENTICATED' } }] },
    };
  }
  if (query.includes('query ConsoleMe')) return { body: { data: { me: principal } } };
  return { status: 500, body: { errors: [{ message: 'Not stubbed here.', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] } };
};

let requests: RecordedRequest[];

function stubApi(responder: Responder = defaultResponder) {
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init: RequestInit) => {
      if (url === '/auth/config') {
        return new Response(JSON.stringify({ developmentKeys: true, passwordSignIn: true, oidc: null }), { headers: { 'content-type': 'application/json' } });
      }
      expect(url).toBe('/graphql');
      const headers = init.headers as Record<string, string>;
      const { query } = JSON.parse(init.body as string) as { query: string };
      const request = { apiKey: headers['x-api-key'] ?? null, query };
      requests.push(request);
      const { status = 200, body } = responder(request);
      return new Response(JSON.stringify(body), {
        status,
        headers: { 'content-type': 'application/json' },
      });
    }),
  );
}

function renderConsole(path = '/') {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <MemoryRouter initialEntries={[path]}>
      <Providers queryClient={queryClient}>
        <App />
      </Providers>
    </MemoryRouter>,
  );
}

function navLabels(): string[] {
  return within(screen.getByRole('navigation', { name: 'Main' }))
    .queryAllByRole('link')
    .map((link) => link.textContent ?? '');
}

function signInSelect() {
  return screen.getByLabelText('Development sign-in') as HTMLSelectElement;
}

beforeEach(() => {
  requests = [];
});

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('console shell', () => {
  it('starts signed out, offering every seeded dev key, and calls no API', () => {
    stubApi();
    renderConsole();

    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Sign in');
    expect(screen.getByRole('region', { name: 'You are signed out' })).toBeTruthy();
    const values = Array.from(signInSelect().options).map((o) => o.value);
    expect(values).toEqual([
      '',
      'gh_dev_admin',
      'gh_dev_owner',
      'gh_dev_approver',
      'gh_dev_reviewer',
      'gh_dev_reviewer2',
      'gh_dev_integrator',
      'gh_dev_viewer',
    ]);
    expect(requests).toHaveLength(0);
  });

  it('signs in with the chosen key: remembers it, sends it as x-api-key, shows who and the screens the role may open', async () => {
    stubApi();
    renderConsole();

    fireEvent.change(signInSelect(), { target: { value: 'gh_dev_owner' } });

    expect(localStorage.getItem(API_KEY_STORAGE_KEY)).toBe('gh_dev_owner');
    expect((await screen.findByText('Olivia Owner')).closest('p')?.textContent).toContain('(owner)');
    expect(navLabels()).toEqual(['Exceptions', 'Approvals', 'Runs', 'Workflows', 'Metrics']);
    // The home route opens the first screen the role may use.
    expect(await screen.findByRole('heading', { level: 1, name: 'Exception queue' })).toBeTruthy();
    expect(requests.every((r) => r.apiKey === 'gh_dev_owner')).toBe(true);
  });

  it('an integrator, who may not read the queue, gets neither it nor approvals nor metrics in the navigation', async () => {
    localStorage.setItem(API_KEY_STORAGE_KEY, 'gh_dev_integrator');
    stubApi();
    renderConsole();
    expect(await screen.findByRole('heading', { level: 1, name: 'Runs' })).toBeTruthy();
    expect(navLabels()).toEqual(['Runs', 'Workflows']);
  });

  it('restores the remembered key on load and switches identity on change', async () => {
    localStorage.setItem(API_KEY_STORAGE_KEY, 'gh_dev_viewer');
    stubApi();
    renderConsole();

    expect(signInSelect().value).toBe('gh_dev_viewer');
    expect(await screen.findByText('Vera Viewer')).toBeTruthy();

    fireEvent.change(signInSelect(), { target: { value: 'gh_dev_owner' } });
    expect(await screen.findByText('Olivia Owner')).toBeTruthy();
    expect(requests.at(-1)?.apiKey).toBe('gh_dev_owner');

    fireEvent.change(signInSelect(), { target: { value: '' } });
    expect(screen.getByRole('region', { name: 'You are signed out' })).toBeTruthy();
    expect(localStorage.getItem(API_KEY_STORAGE_KEY)).toBeNull();
  });

  it('ignores a stored value that is not a dev key', () => {
    localStorage.setItem(API_KEY_STORAGE_KEY, 'gh_live_something');
    stubApi();
    renderConsole();
    expect(signInSelect().value).toBe('');
    expect(requests).toHaveLength(0);
  });

  it("shows the API's error message and code when sign-in fails", async () => {
    stubApi();
    renderConsole();
    // A seeded key the stub API does not know: it answers UNAUTHENTICATED.
    fireEvent.change(signInSelect(), { target: { value: 'gh_dev_reviewer' } });

    const alerts = await screen.findAllByRole('alert');
    const signInAlert = alerts.find((a) => a.textContent?.includes('Could not sign in'));
    expect(signInAlert?.textContent).toContain('Unknown or revoked API key.');
    expect(within(signInAlert as HTMLElement).getAllByText('UNAUTHENTICATED').length).toBeGreaterThan(0);
  });

  it('an unknown address shows "Page not found", not a blank screen', async () => {
    localStorage.setItem(API_KEY_STORAGE_KEY, 'gh_dev_viewer');
    stubApi();
    renderConsole('/no/such/screen');
    expect(await screen.findByRole('heading', { level: 1, name: 'Page not found' })).toBeTruthy();
  });
});
