import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_PASSWORD } from '../seed/dev-principals.js';
import { startTestApi, type TestApi } from '../test/test-api.js';

const ME = `{ me { email role } }`;
let api: TestApi;

beforeAll(async () => {
  api = await startTestApi({ sessions: { ttlMinutes: 60, idleMinutes: 10, secureCookie: true } });
});
afterAll(() => api.close());

function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${api.baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

async function signIn(email: string, password = DEV_PASSWORD): Promise<string> {
  const res = await post('/auth/sign-in', { email, password });
  expect(res.status).toBe(200);
  return /^__Host-gh_session=([^;]+)/.exec(res.headers.get('set-cookie')!)![1]!;
}

async function meWithCookie(token: string) {
  const res = await fetch(api.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json', cookie: `__Host-gh_session=${token}` }, body: JSON.stringify({ query: ME }) });
  return (await res.json()) as { data: any; errors?: Array<{ extensions: { code: string } }> };
}

describe('password sign-in', () => {
  it('sets an httpOnly, SameSite=Strict, Secure, __Host- session cookie; the cookie authenticates GraphQL', async () => {
    const res = await post('/auth/sign-in', { email: ' Rita@Gatehouse.dev ', password: DEV_PASSWORD });
    expect(res.status).toBe(200);
    expect(((await res.json()) as any).principal).toMatchObject({ email: 'rita@gatehouse.dev', role: 'reviewer' });
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^__Host-gh_session=[\w-]{43}; /);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    expect(cookie).toContain('Secure');
    expect(cookie).toContain('Path=/');
    expect(cookie).toContain('Max-Age=3600');
    expect(cookie).not.toMatch(/Domain=/i); // what __Host- requires: Secure, Path=/, no Domain
    const token = /^__Host-gh_session=([^;]+)/.exec(cookie)![1]!;
    expect((await meWithCookie(token)).data.me).toEqual({ email: 'rita@gatehouse.dev', role: 'reviewer' });
    // The same token under the plain name (which a sibling subdomain or plain HTTP could set) is not read.
    const plain = await fetch(api.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json', cookie: `gh_session=${token}` }, body: JSON.stringify({ query: '{ me { email } }' }) });
    expect(((await plain.json()) as any).errors[0].extensions.code).toBe('UNAUTHENTICATED');
    // Only a digest of the token is stored.
    const [row] = await api.ds.query(`SELECT to_jsonb(s) AS row FROM sessions s ORDER BY created_at DESC LIMIT 1`);
    expect(JSON.stringify(row.row)).not.toContain(token);
  });

  it('answers a wrong password and an unknown email with the same generic error', async () => {
    const wrong = await post('/auth/sign-in', { email: 'olive@gatehouse.dev', password: 'not-the-password' });
    const unknown = await post('/auth/sign-in', { email: 'nobody@example.com', password: 'not-the-password' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    const a = await wrong.json();
    const b = await unknown.json();
    expect(a).toEqual({ error: { code: 'UNAUTHENTICATED', message: 'Email or password is incorrect.' } });
    expect(b).toEqual(a);
    expect(wrong.headers.get('set-cookie')).toBeNull();
  });

  it('locks an email after five failures, even for the right password', async () => {
    for (let i = 0; i < 5; i++) expect((await post('/auth/sign-in', { email: 'vera@gatehouse.dev', password: `guess-${i}` })).status).toBe(401);
    const locked = await post('/auth/sign-in', { email: 'vera@gatehouse.dev', password: DEV_PASSWORD });
    expect(locked.status).toBe(429);
    expect(((await locked.json()) as any).error.code).toBe('RATE_LIMITED');
  });

  it('parallel guesses cannot outrun the lockout: at most five are checked', async () => {
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => post('/auth/sign-in', { email: 'nobody-parallel@example.com', password: `parallel-${i}` })));
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(15);
  });

  it('refuses bad input and non-JSON bodies without a 5xx', async () => {
    expect((await post('/auth/sign-in', { email: 'a@b.c' })).status).toBe(400);
    const form = await fetch(`${api.baseUrl}/auth/sign-in`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'email=a&password=b' });
    expect(form.status).toBe(415);
    const malformed = await fetch(`${api.baseUrl}/auth/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"email":' });
    expect(malformed.status).toBe(400);
  });
});

describe('sessions', () => {
  it('sign-out revokes the session at once and clears the cookie', async () => {
    const token = await signIn('olive@gatehouse.dev');
    expect((await meWithCookie(token)).data.me.email).toBe('olive@gatehouse.dev');
    const res = await post('/auth/sign-out', {}, { cookie: `__Host-gh_session=${token}` });
    expect(await res.json()).toEqual({ signedOut: true });
    expect(res.headers.get('set-cookie')).toMatch(/^__Host-gh_session=; .*Max-Age=0/);
    expect((await meWithCookie(token)).errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
  });

  it('signing in ends the session the browser already held (rotation), server-side; a failed sign-in ends nothing', async () => {
    const before = await signIn('oscar@gatehouse.dev');
    const failed = await post('/auth/sign-in', { email: 'olive@gatehouse.dev', password: 'not-the-password' }, { cookie: `__Host-gh_session=${before}` });
    expect(failed.status).toBe(401);
    expect((await meWithCookie(before)).data.me.email).toBe('oscar@gatehouse.dev');
    const res = await post('/auth/sign-in', { email: 'olive@gatehouse.dev', password: DEV_PASSWORD }, { cookie: `__Host-gh_session=${before}` });
    expect(res.status).toBe(200);
    const after = /^__Host-gh_session=([^;]+)/.exec(res.headers.get('set-cookie')!)![1]!;
    expect(after).not.toBe(before);
    expect((await meWithCookie(before)).errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
    expect((await meWithCookie(after)).data.me.email).toBe('olive@gatehouse.dev');
  });

  it('an expired session is refused', async () => {
    const token = await signIn('oscar@gatehouse.dev');
    await api.ds.query(`UPDATE sessions SET expires_at = now() - interval '1 second' WHERE revoked_at IS NULL AND principal_id = (SELECT id FROM principals WHERE email = 'oscar@gatehouse.dev')`);
    expect((await meWithCookie(token)).errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
  });

  it('a session idle longer than the idle timeout is refused; use within it keeps it alive', async () => {
    const token = await signIn('rafael@gatehouse.dev');
    const who = `principal_id = (SELECT id FROM principals WHERE email = 'rafael@gatehouse.dev') AND revoked_at IS NULL`;
    await api.ds.query(`UPDATE sessions SET last_seen_at = now() - interval '9 minutes' WHERE ${who}`);
    expect((await meWithCookie(token)).data.me.email).toBe('rafael@gatehouse.dev');
    const [seen] = await api.ds.query(`SELECT last_seen_at > now() - interval '1 minute' AS fresh FROM sessions WHERE ${who}`);
    expect(seen.fresh).toBe(true);
    await api.ds.query(`UPDATE sessions SET last_seen_at = now() - interval '11 minutes' WHERE ${who}`);
    expect((await meWithCookie(token)).errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
  });

  it('a made-up or malformed cookie is UNAUTHENTICATED, not an error', async () => {
    expect((await meWithCookie('x'.repeat(43))).errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
    expect((await meWithCookie("'; DROP TABLE sessions; --")).errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
  });
});

describe('CSRF', () => {
  it('a cross-site form POST carrying the session cookie is refused before any resolver runs', async () => {
    const token = await signIn('ada@gatehouse.dev');
    const before = await api.ds.query(`SELECT count(*)::int AS n FROM workflows`);
    // What a form on another site can send: a simple content type, the browser attaching the cookie.
    const form = await fetch(api.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `__Host-gh_session=${token}` },
      body: `query=${encodeURIComponent('mutation { createWorkflow(input: {key: "csrf", name: "x", owners: {}}) { id } }')}`,
    });
    expect(form.status).toBe(400);
    expect(await form.text()).toMatch(/CSRF|preflight/i);
    const text = await fetch(`${api.graphqlUrl}?query=${encodeURIComponent(ME)}`, { headers: { cookie: `__Host-gh_session=${token}` } });
    expect(text.status).toBe(400);
    expect(await api.ds.query(`SELECT count(*)::int AS n FROM workflows`)).toEqual(before);
    // The sign-out and password endpoints: same rule, and Sec-Fetch-Site: cross-site is refused outright.
    const crossSite = await post('/auth/sign-out', {}, { cookie: `__Host-gh_session=${token}`, 'sec-fetch-site': 'cross-site' });
    expect(crossSite.status).toBe(403);
    expect((await meWithCookie(token)).data.me.email).toBe('ada@gatehouse.dev');
  });
});

describe('passwords', () => {
  it('own change needs the current password, ends other sessions, is audited; the new one signs in', async () => {
    const first = await signIn('ivy@gatehouse.dev');
    const second = await signIn('ivy@gatehouse.dev');
    const wrong = await post('/auth/password', { currentPassword: 'nope', newPassword: 'a-new-long-password' }, { cookie: `__Host-gh_session=${first}` });
    expect(wrong.status).toBe(403);
    const short = await post('/auth/password', { currentPassword: DEV_PASSWORD, newPassword: 'short' }, { cookie: `__Host-gh_session=${first}` });
    expect(short.status).toBe(400);
    const ok = await post('/auth/password', { currentPassword: DEV_PASSWORD, newPassword: 'a-new-long-password' }, { cookie: `__Host-gh_session=${first}` });
    expect(ok.status).toBe(200);
    expect((await meWithCookie(first)).data.me.email).toBe('ivy@gatehouse.dev');
    expect((await meWithCookie(second)).errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
    expect((await post('/auth/sign-in', { email: 'ivy@gatehouse.dev', password: DEV_PASSWORD })).status).toBe(401);
    await signIn('ivy@gatehouse.dev', 'a-new-long-password');
    const [event] = await api.ds.query(`SELECT actor_role, data FROM audit_events WHERE action = 'principal.password_changed'`);
    expect(event).toEqual({ actor_role: 'integrator', data: { by: 'self' } });
    const [row] = await api.ds.query(`SELECT password_hash FROM principals WHERE email = 'ivy@gatehouse.dev'`);
    expect(row.password_hash).toMatch(/^scrypt\$15\$/);
  });

  it("only an admin sets another principal's password (no current password needed)", async () => {
    const owner = await signIn('olive@gatehouse.dev');
    expect((await post('/auth/password', { email: 'rita@gatehouse.dev', newPassword: 'owner-cannot-do-this' }, { cookie: `__Host-gh_session=${owner}` })).status).toBe(403);
    const admin = await post('/auth/password', { email: 'rita@gatehouse.dev', newPassword: 'set-by-the-admin' }, { 'x-api-key': 'gh_dev_admin' });
    expect(admin.status).toBe(200);
    await signIn('rita@gatehouse.dev', 'set-by-the-admin');
    expect((await post('/auth/password', { newPassword: 'whatever-long-enough' })).status).toBe(401);
  });
});

describe('password guessing through a session', () => {
  it('wrong current passwords count against the sign-in limit: the sixth attempt is refused even when right', async () => {
    const token = await signIn('ada@gatehouse.dev');
    const hashOf = async () => ((await api.ds.query(`SELECT password_hash FROM principals WHERE email = 'ada@gatehouse.dev'`)) as Array<{ password_hash: string }>)[0]!.password_hash;
    const hashBefore = await hashOf();
    for (let i = 0; i < 5; i++) {
      expect((await post('/auth/password', { currentPassword: `guess-${i}`, newPassword: 'a-new-long-password' }, { cookie: `__Host-gh_session=${token}` })).status).toBe(403);
    }
    const locked = await post('/auth/password', { currentPassword: DEV_PASSWORD, newPassword: 'a-new-long-password' }, { cookie: `__Host-gh_session=${token}` });
    expect(locked.status).toBe(429);
    expect(((await locked.json()) as any).error.code).toBe('RATE_LIMITED');
    expect((await post('/auth/sign-in', { email: 'ada@gatehouse.dev', password: DEV_PASSWORD })).status).toBe(429);
    expect(await hashOf()).toBe(hashBefore);
  });
});

describe('auth config', () => {
  it('tells the console which sign-in methods exist', async () => {
    const res = await fetch(`${api.baseUrl}/auth/config`);
    expect(await res.json()).toEqual({ developmentKeys: true, passwordSignIn: true, oidc: null });
  });
});
