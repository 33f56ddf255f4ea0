import { QueryClient } from '@tanstack/react-query';
import { fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { API_KEY_STORAGE_KEY } from '../features/session/api/dev-api-keys.js';
import { App } from './app.js';
import { Providers } from './providers.js';

interface RecordedRequest {
  readonly apiKey: string | null;
  readonly query: string;
}

type Responder = (request: RecordedRequest) => { status?: number; body: unknown };

const PRINCIPALS: Record<string, { name: string; role: string }> = {
  gh_dev_owner: { name: 'Olivia Owner', role: 'owner' },
  gh_dev_viewer: { name: 'Vera Viewer', role: 'viewer' },
};

const WORKFLOWS = [
  { key: 'invoice-triage', name: 'Invoice triage', rolloutStage: 'SHADOW', paused: false },
  { key: 'refund-approval', name: 'Refund approval', rolloutStage: 'execute', paused: true },
];

const defaultResponder: Responder = ({ apiKey, query }) => {
  const principal = apiKey ? PRINCIPALS[apiKey] : undefined;
  if (!principal) {
    return {
      status: 401,
      body: { errors: [{ message: 'Unknown or revoked API key.', extensions: { code: 'UNAUTHENTICATED' } }] },
    };
  }
  if (query.includes('workflows')) return { body: { data: { workflows: WORKFLOWS } } };
  return { body: { data: { me: principal } } };
};

let requests: RecordedRequest[];

function stubApi(responder: Responder = defaultResponder) {
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init: RequestInit) => {
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

function renderConsole() {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <Providers queryClient={queryClient}>
      <App />
    </Providers>,
  );
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

describe('console', () => {
  it('starts signed out, offering every seeded dev key, and calls no API', () => {
    stubApi();
    renderConsole();

    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Gatehouse console');
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

  it('signs in with the chosen key: remembers it, sends it as x-api-key, shows me and workflows', async () => {
    stubApi();
    renderConsole();

    fireEvent.change(signInSelect(), { target: { value: 'gh_dev_owner' } });

    expect(localStorage.getItem(API_KEY_STORAGE_KEY)).toBe('gh_dev_owner');
    expect((await screen.findByText('Olivia Owner')).closest('p')?.textContent).toContain('(owner)');

    const table = await screen.findByRole('table');
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows.map((row) => row.textContent)).toEqual([
      'Invoice triageinvoice-triageShadowActive',
      'Refund approvalrefund-approvalExecutePaused',
    ]);
    expect(requests.length).toBeGreaterThanOrEqual(2);
    expect(requests.every((r) => r.apiKey === 'gh_dev_owner')).toBe(true);
    expect(requests.some((r) => /\bme\s*\{\s*name\s+role\s*\}/.test(r.query))).toBe(true);
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

  it("shows the API's error message and code", async () => {
    stubApi();
    renderConsole();
    // A seeded key the stub API does not know: it answers UNAUTHENTICATED.
    fireEvent.change(signInSelect(), { target: { value: 'gh_dev_integrator' } });

    const alerts = await screen.findAllByRole('alert');
    const signInAlert = alerts.find((a) => a.textContent?.includes('Could not sign in'));
    expect(signInAlert?.textContent).toContain('Unknown or revoked API key.');
    expect(within(signInAlert as HTMLElement).getByText('UNAUTHENTICATED')).toBeTruthy();
  });

  it('shows an empty state when there are no workflows', async () => {
    stubApi((request) =>
      request.query.includes('workflows')
        ? { body: { data: { workflows: [] } } }
        : { body: { data: { me: { name: 'Ada Admin', role: 'ADMIN' } } } },
    );
    renderConsole();
    fireEvent.change(signInSelect(), { target: { value: 'gh_dev_admin' } });

    expect(await screen.findByRole('region', { name: 'No workflows yet' })).toBeTruthy();
    expect(screen.getByText('Ada Admin').closest('p')?.textContent).toContain('(admin)');
  });

  it('shows a loading state while the API answers', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    stubApi(defaultResponder);
    const answer = globalThis.fetch;
    vi.stubGlobal(
      'fetch',
      vi.fn(async (...args: Parameters<typeof fetch>) => {
        await gate;
        return answer(...args);
      }),
    );
    renderConsole();
    fireEvent.change(signInSelect(), { target: { value: 'gh_dev_owner' } });

    expect(screen.getByText('Loading workflows…').getAttribute('role')).toBe('status');
    release();
    expect(await screen.findByRole('table')).toBeTruthy();
    expect(screen.queryByText('Loading workflows…')).toBeNull();
  });
});
