import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_PASSWORD, DEV_PRINCIPALS } from '../seed/dev-principals.js';
import { createServices } from '../services.js';
import { expectError, startTestApi, type TestApi } from '../test/test-api.js';

// As the API runs with NODE_ENV=production (main.ts passes allowDevelopmentKeys: false).
let api: TestApi;
beforeAll(async () => {
  api = await startTestApi({ allowDevelopmentKeys: false });
});
afterAll(() => api.close());

describe('production mode', () => {
  it('refuses every public development key even when the database holds it', async () => {
    for (const p of DEV_PRINCIPALS) {
      expectError(await api.gql(p.apiKey, `{ me { id } }`), 'UNAUTHENTICATED');
    }
  });

  it('refuses the public development password too, with the same answer as a wrong one', async () => {
    for (const p of DEV_PRINCIPALS.slice(0, 2)) {
      const res = await fetch(`${api.baseUrl}/auth/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: p.email, password: DEV_PASSWORD }) });
      expect(res.status).toBe(401);
      expect(res.headers.get('set-cookie')).toBeNull();
      expect(((await res.json()) as { error: { message: string } }).error.message).toBe('Email or password is incorrect.');
    }
  });

  it('accepts a key issued through the API', async () => {
    const admin = DEV_PRINCIPALS.find((p) => p.role === 'admin')!;
    const { secret } = await createServices(api.ds, console).identity.createApiKey({ id: admin.id, role: 'admin' }, 'ops console', admin.email);
    const data = await api.ok(secret, `{ me { email role } }`);
    expect(data.me).toEqual({ email: admin.email, role: 'admin' });
  });
});
