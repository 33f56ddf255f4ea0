import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_PRINCIPALS } from '../seed/dev-principals.js';
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

  it('accepts a key issued through the API', async () => {
    const admin = DEV_PRINCIPALS.find((p) => p.role === 'admin')!;
    const { secret } = await createServices(api.ds, console).identity.createApiKey({ id: admin.id, role: 'admin' }, 'ops console', admin.email);
    const data = await api.ok(secret, `{ me { email role } }`);
    expect(data.me).toEqual({ email: admin.email, role: 'admin' });
  });
});
